// SPDX-License-Identifier: GPL-2.0
/*
 * CVE-2019-5736: a process in a container that can reach the runtime's
 * /proc/PID/exe (an image whose entry point is "#!/proc/self/exe", or an
 * exec'd command racing us) could reopen the runtime binary for writing
 * once we exit, and so replace it on the host. Running from a sealed memfd
 * copy means /proc/self/exe is that copy, which nobody can write.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "runtime/runtime.h"
#include "lib/util.h"

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

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

int nsw_reexec_sealed(char **argv, struct nsw_error *err)
{
	cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	cleanup_close int mfd = -1;
	struct stat st;
	int seals;

	if (self < 0)
		return nsw_error(err, errno, "cannot open /proc/self/exe");
	seals = fcntl(self, F_GET_SEALS);
	if (seals >= 0 && (seals & SEALS) == SEALS)
		return 0;
	if (fstat(self, &st) < 0)
		return nsw_error(err, errno, "fstat /proc/self/exe");
	mfd = memfd_create("nswatch", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0)
		return nsw_error(err, errno, "memfd_create");
	if (copy_all(mfd, self, st.st_size) < 0)
		return nsw_error(err, errno, "cannot copy the nswatch binary");
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0)
		return nsw_error(err, errno, "cannot seal the nswatch copy");
	fexecve(mfd, argv, environ);
	return nsw_error(err, errno, "cannot re-execute from the sealed copy");
}
