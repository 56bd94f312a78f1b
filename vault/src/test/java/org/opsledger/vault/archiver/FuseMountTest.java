package org.opsledger.vault.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where a FUSE mount's files lie, read from its line in /proc/self/mountinfo as the kernel writes it (the sources as sshfs
 * and rclone name them: a tester's mounts of session 38). NetworkMountTest mounts with rclone; sshfs needs an SSH server.
 */
class FuseMountTest {

    private static FuseMount of(String type, String source) {
        String line = "44 26 0:39 / /mnt/bk\\040disk rw,nosuid,nodev,relatime - " + type + " " + source + " rw,user_id=0,group_id=0";
        return FuseMount.holding(Path.of("/mnt/bk disk/repo"), "0:39", List.of("30 26 8:1 / /srv rw - ext4 /dev/sda1 rw", line));
    }

    @Test
    void sshfsToThisHostShowsItsPath() {
        for (String host : List.of("localhost", "127.0.0.1", "root@127.0.0.1", "[::1]", "backup@localhost")) {
            assertThat(of("fuse.sshfs", host + ":/srv/backupdisk")).as(host)
                    .isEqualTo(new FuseMount.Local(Path.of("/srv/backupdisk/repo"), "/mnt/bk disk (fuse.sshfs of " + host + ":/srv/backupdisk)"));
        }
        assertThat(of("fuse.sshfs", "127.0.0.1:disk")).isEqualTo(new FuseMount.Local(Path.of(System.getProperty("user.home"), "disk/repo"),
                "/mnt/bk disk (fuse.sshfs of 127.0.0.1:disk)")); // relative to the home of the user sshfs logs in as: this one
        assertThat(of("fuse.sshfs", "someone-else@127.0.0.1:disk")).isInstanceOf(FuseMount.Unknown.class);
    }

    @Test
    void rcloneOfALocalDirectoryOrOfThisHostOverSftpShowsItsPath() {
        assertThat(of("fuse.rclone", "/srv/backupdisk")).isEqualTo(
                new FuseMount.Local(Path.of("/srv/backupdisk/repo"), "/mnt/bk disk (fuse.rclone of /srv/backupdisk)"));
        assertThat(of("fuse.rclone", ":sftp,host=127.0.0.1,port=2203,user=root:/srv/backupdisk"))
                .isInstanceOf(FuseMount.Local.class).extracting(m -> ((FuseMount.Local) m).path()).isEqualTo(Path.of("/srv/backupdisk/repo"));
    }

    @Test
    void anotherHostIsElsewhereAndWhatCannotBeToldIsUnknown() {
        assertThat(of("fuse.sshfs", "backup@vault.example.org:/srv")).isEqualTo(new FuseMount.Elsewhere());
        assertThat(of("fuse.rclone", ":sftp,host=192.0.2.7:/srv")).isEqualTo(new FuseMount.Elsewhere());
        assertThat(of("fuse.rclone", "gdrive:backups")).isEqualTo(new FuseMount.Unknown("/mnt/bk disk (fuse.rclone of gdrive:backups)"));
        assertThat(of("fuse.s3fs", "s3fs")).isEqualTo(new FuseMount.Unknown("/mnt/bk disk (fuse.s3fs of s3fs)"));
        assertThat(FuseMount.holding(Path.of("/srv/repo"), "8:1", List.of("30 26 8:1 / /srv rw - ext4 /dev/sda1 rw"))).isNull();
    }
}
