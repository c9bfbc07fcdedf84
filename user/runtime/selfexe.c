// SPDX-License-Identifier: GPL-2.0
/*
 * CVE-2019-5736: a process in a container that can reach the runtime's
 * /proc/PID/exe (an image whose entry point is "#!/proc/self/exe", or an
 * exec'd command racing us) could reopen the runtime binary for writing
 * once we exit, and so replace it on the host. So run and exec first
 * re-execute themselves from an image of the binary that nobody can write:
 *
 *  - a private overlay whose only layers are lower ones (the binary's
 *    directory over an unrelated one): such an overlay is read-only in its superblock,
 *    which no mount_setattr() on its detached mount can lift, and it costs
 *    no copy (runc 1.2 does the same);
 *  - where the kernel has no overlay, a sealed memfd copy of the binary.
 *
 * A binary already on a read-only filesystem or on a sealed memfd is
 * protected as it is: it is run as it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "runtime/runtime.h"
#include "lib/util.h"

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool protected_image(int self)
{
	struct statvfs sv;
	int seals = fcntl(self, F_GET_SEALS);

	if (seals >= 0)
		return (seals & SEALS) == SEALS;
	return fstatvfs(self, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

/* overlay's lowerdir syntax: ':' separates layers, '\' escapes. */
static int escape_layer(const char *path, char *buf, size_t len)
{
	size_t n = 0;

	for (; *path; path++) {
		if (n + 3 > len)
			return -1;
		if (*path == ':' || *path == '\\' || *path == ',')
			buf[n++] = '\\';
		buf[n++] = *path;
	}
	buf[n] = '\0';
	return 0;
}

/*
 * overlay wants a second lower layer that neither holds nor is held by the
 * first: /dev, or /run if the binary lives under /dev. Its contents do not
 * matter, the binary's directory is on top.
 */
static const char *second_layer(const char *dir)
{
	return strncmp(dir, "/dev/", 5) ? "/dev" : "/run";
}

/*
 * An O_PATH fd on the binary seen through a lower-only overlay of its
 * directory, or -1 with errno (ENODEV: no overlay in this kernel).
 */
static int overlay_image(int self)
{
	char exe[PATH_MAX], dir[PATH_MAX], lower[2 * PATH_MAX + 4];
	cleanup_close int fs = -1, mnt = -1;
	const char *name;
	ssize_t n;

	snprintf(dir, sizeof(dir), "/proc/self/fd/%d", self);
	n = readlink(dir, exe, sizeof(exe) - 1);
	if (n <= 0 || exe[0] != '/')
		return errno = ENOENT, -1;
	exe[n] = '\0';
	name = strrchr(exe, '/') + 1;
	if (!*name)
		return errno = ENOENT, -1;
	snprintf(dir, sizeof(dir), "%.*s", (int)(name - exe), exe);
	/* Two lower layers make it lower-only; ours goes on top. */
	if (escape_layer(dir, lower, sizeof(lower) - 6) < 0)
		return errno = ENAMETOOLONG, -1;
	strcat(lower, ":");
	strcat(lower, second_layer(dir));
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	/* Layers on different filesystems: no xino warnings in dmesg. */
	fsconfig(fs, FSCONFIG_SET_STRING, "xino", "off", 0);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "nswatch", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	mnt = fsmount(fs, FSMOUNT_CLOEXEC,
		      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	if (mnt < 0)
		return -1;
	return openat(mnt, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

static int copy_all(int to, int from, off_t size)
{
	while (size > 0) {
		ssize_t n = sendfile(to, from, NULL, size);

		if (n <= 0)
			return -1;
		size -= n;
	}
	return 0;
}

static int memfd_image(int self, struct nsw_error *err)
{
	cleanup_close int mfd = -1;
	struct stat st;

	if (fstat(self, &st) < 0)
		return nsw_error(err, errno, "fstat /proc/self/exe");
	mfd = memfd_create("nswatch", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return nsw_error(err, errno, "memfd_create");
	if (copy_all(mfd, self, st.st_size) < 0)
		return nsw_error(err, errno, "cannot copy the nswatch binary");
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		return nsw_error(err, errno, "cannot seal the nswatch copy");
	return steal_fd(&mfd);
}

int nsw_reexec_sealed(char **argv, struct nsw_error *err)
{
	cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	cleanup_close int image = -1;

	if (self < 0)
		return nsw_error(err, errno, "cannot open /proc/self/exe");
	if (protected_image(self))
		return 0;
	image = overlay_image(self);
	if (image < 0) {
		image = memfd_image(self, err);
		if (image < 0)
			return -1;
	}
	execveat(image, "", argv, environ, AT_EMPTY_PATH);
	return nsw_error(err, errno, "cannot re-execute from a read-only image of nswatch");
}
