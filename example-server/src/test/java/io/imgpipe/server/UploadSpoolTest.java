package io.imgpipe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UploadSpoolTest {

    @TempDir
    Path dataDir;

    @Test
    void createsALockedSpoolUnderUploadsAndDeletesItOnClose() {
        UploadSpool spool = UploadSpool.open(dataDir);
        Path dir = spool.dir();

        assertThat(dir.getParent()).isEqualTo(dataDir.toAbsolutePath().resolve("uploads"));
        assertThat(dir.resolve(".lock")).exists();
        spool.close();
        assertThat(dir).doesNotExist();
    }

    @Test
    void deletesTheSpoolOfAProcessThatEnded() throws IOException {
        Path ended = Files.createDirectories(dataDir.resolve("uploads/ended-process"));
        Files.createFile(ended.resolve(".lock"));
        Files.write(ended.resolve("upload-in-progress.tmp"), new byte[100]);
        age(ended, Duration.ofMinutes(10));

        try (UploadSpool spool = UploadSpool.open(dataDir)) {
            assertThat(ended).doesNotExist();
        }
    }

    @Test
    void keepsTheSpoolOfAProcessStillRunning() throws Exception {
        Path live = Files.createDirectories(dataDir.resolve("uploads/live-process"));
        Path upload = Files.write(live.resolve("upload-in-progress.tmp"), new byte[100]);
        Process holder = holdLockInChildJvm(live.resolve(".lock"));
        age(live, Duration.ofHours(2));
        try (UploadSpool spool = UploadSpool.open(dataDir)) {
            assertThat(upload).exists();
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        try (UploadSpool next = UploadSpool.open(dataDir)) {
            assertThat(live).as("swept once its process ended").doesNotExist();
        }
    }

    @Test
    void keepsASpoolThatAnotherProcessIsCreatingAtTheSameMoment() throws IOException {
        Path starting = Files.createDirectories(dataDir.resolve("uploads/starting-process"));
        try (FileChannel created = FileChannel.open(starting.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); UploadSpool spool = UploadSpool.open(dataDir)) {
            assertThat(starting).as("lock file made, not yet locked").exists();
        }
    }

    @Test
    void keepsTheSpoolsOfOtherServersInThisJvmAndTheirLocks() throws Exception {
        try (UploadSpool first = UploadSpool.open(dataDir); UploadSpool second = UploadSpool.open(dataDir)) {
            age(first.dir(), Duration.ofHours(2));
            try (UploadSpool third = UploadSpool.open(dataDir)) {
                assertThat(first.dir()).exists();
                assertThat(second.dir()).exists();
            }
            assertThat(probeFromChildJvm(first.dir().resolve(".lock"))).as("still locked against other processes")
                    .isEqualTo("held");
        }
    }

    @Test
    void deletesASpoolWithoutALockOnlyOnceItIsADayOld() throws IOException {
        Path fresh = Files.createDirectories(dataDir.resolve("uploads/just-created"));
        Path old = Files.createDirectories(dataDir.resolve("uploads/from-an-older-version"));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));

        try (UploadSpool spool = UploadSpool.open(dataDir)) {
            assertThat(fresh).exists();
            assertThat(old).doesNotExist();
        }
    }

    private static void age(Path dir, Duration by) throws IOException {
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(by)));
    }

    private static String probeFromChildJvm(Path lockFile) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), HoldSpoolLock.class.getName(), "--probe", lockFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String answer = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return answer;
    }

    private static Process holdLockInChildJvm(Path lockFile) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), HoldSpoolLock.class.getName(), lockFile.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("locked");
        return child;
    }
}
