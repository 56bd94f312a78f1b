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

    /**
     * Who logged in, from the kernel's login uid and sudo's environment: an operator's command through sudo is root's, and
     * every operator was journaled as "root" (h4's repro-4).
     */
    @Test
    void theLoginUserIsNamedWhereItIsNotTheProcesssUser() {
        java.util.function.LongFunction<String> passwd = uid -> uid == 1001 ? "op1" : uid == 0 ? "root" : null;
        String unset = "4294967295";
        // sudo from op1's ssh session: the login uid is op1's, whatever sudo's variables say (the last sudo may be another's)
        assertThat(OsUser.login("1001", null, null, 0, "root", passwd)).isEqualTo("op1");
        assertThat(OsUser.login("1001\n", "backup", "1002", 0, "root", passwd)).isEqualTo("op1");
        assertThat(OsUser.login("1001", "op1", "1001", 1002, "backup", passwd)).as("sudo -u backup").isEqualTo("op1");
        // one the system has no name for: sudo's, if it names that uid (a directory's user), else the number
        assertThat(OsUser.login("5000", "ldap-op", "5000", 0, "root", passwd)).isEqualTo("ldap-op");
        assertThat(OsUser.login("5000", null, null, 0, "root", passwd)).isEqualTo("uid 5000");
        // no login to tell: the process's own, or none (a service, a container; not Linux)
        assertThat(OsUser.login("0", null, null, 0, "root", passwd)).as("root's cron job").isNull();
        assertThat(OsUser.login("1001", null, null, 1001, "op1", passwd)).isNull();
        assertThat(OsUser.login(unset, null, null, 0, "root", passwd)).as("a systemd service").isNull();
        assertThat(OsUser.login(null, null, null, 1001, "op1", passwd)).isNull();
        // no login uid (a host without pam_loginuid): sudo's user, as root only
        assertThat(OsUser.login(unset, "op2", "1003", 0, "root", passwd)).isEqualTo("op2");
        assertThat(OsUser.login(null, "op2", "1003", 0, "root", passwd)).isEqualTo("op2");
        assertThat(OsUser.login(unset, "root", "0", 0, "root", passwd)).as("sudo from root").isNull();
        assertThat(OsUser.login(unset, "op2", "1003", 1002, "backup", passwd)).isNull();
        assertThat(OsUser.login(unset, "op\u001b[2J", "1003", 0, "root", passwd)).as("a control character").isNull();
        assertThat(OsUser.login("garbage", "op2", "1003", 0, "root", passwd)).isEqualTo("op2");

        assertThat(OsUser.withLogin("root", "op1")).isEqualTo("root (login op1)");
        assertThat(OsUser.withLogin("root", null)).isEqualTo("root");
    }
}
