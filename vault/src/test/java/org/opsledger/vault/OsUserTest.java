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
            System.setProperty("user.name", "root"); // a name says nothing of the uid
            assertThat(OsUser.isRoot()).isEqualTo(OsUser.uid() == 0);
        } finally {
            System.setProperty("user.name", was);
        }
    }
}
