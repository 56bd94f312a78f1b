package org.opsledger.vault;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A user without a passwd entry, which the JDK names "?", is recorded by its uid (a helper's: journal entries by "?"). */
class OsUserTest {

    @Test
    void aUserTheSystemHasNoNameForIsNamedByItsUid() {
        String was = System.getProperty("user.name");
        try {
            System.setProperty("user.name", "?");
            assertThat(OsUser.name()).isEqualTo("uid " + OsUser.uid());
            System.setProperty("user.name", "backup");
            assertThat(OsUser.name()).isEqualTo("backup");
            boolean root = OsUser.isRoot();
            assertThat(root).as("uid 0 at least").isEqualTo(root && OsUser.uid() == 0);
            for (String name : new String[] {"root", "nobody"}) { // a name says nothing of the powers
                System.setProperty("user.name", name);
                assertThat(OsUser.isRoot()).isEqualTo(root);
            }
        } finally {
            System.setProperty("user.name", was);
        }
    }
}
