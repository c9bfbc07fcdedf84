// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "lib/util.h"
#include "trace/kernel_btf.h"

#define KERNEL_NOTES "/sys/kernel/notes"
#define KERNEL_BTF "/sys/kernel/btf/vmlinux"
/* The notes of a kernel are a few hundred bytes. */
#define NOTES_MAX 4096
#define NT_GNU_BUILD_ID 3
#define NOTE_ALIGN(n) (((n) + 3U) & ~3U)

/*
 * The blobs the Makefile cuts (see NSW_MIN_BTF_DIR): empty when the build
 * host had no BTF or no bpftool that can cut it.
 */
#define INCBIN(sym, file)                                                   \
	__asm__(".section .rodata\n"                                        \
		".balign 8\n"                                               \
		".global " #sym "\n" #sym ":\n"                             \
		".incbin \"" NSW_MIN_BTF_DIR "/" file "\"\n"                \
		".global " #sym "_end\n" #sym "_end:\n"                     \
		".byte 0\n"                                                 \
		".previous\n")

INCBIN(nsw_min_btf, "nswatch.min.btf");
INCBIN(nsw_min_btf_notes, "nswatch.kernel-notes");
INCBIN(nsw_btf_ids, "nswatch.btf-ids");
extern const char nsw_min_btf[], nsw_min_btf_end[];
extern const char nsw_min_btf_notes[], nsw_min_btf_notes_end[];
extern const char nsw_btf_ids[], nsw_btf_ids_end[];

struct note_hdr {
	uint32_t namesz, descsz, type;
};

/* The GNU build id in notes: its bytes and length, or false. */
static bool build_id(const unsigned char *p, size_t len, const unsigned char **id,
		     size_t *idlen)
{
	size_t off = 0;

	while (off + sizeof(struct note_hdr) <= len) {
		struct note_hdr h;
		size_t name = off + sizeof(h), desc;

		memcpy(&h, p + off, sizeof(h));
		desc = name + NOTE_ALIGN(h.namesz);
		if (h.namesz > len || h.descsz > len || desc + h.descsz > len)
			return false;
		if (h.type == NT_GNU_BUILD_ID && h.namesz == 4 && !memcmp(p + name, "GNU", 4) &&
		    h.descsz) {
			*id = p + desc;
			*idlen = h.descsz;
			return true;
		}
		off = desc + NOTE_ALIGN(h.descsz);
	}
	return false;
}

bool nsw_kernel_notes_match(const void *a, size_t alen, const void *b, size_t blen)
{
	const unsigned char *ia, *ib;
	size_t la, lb;

	if (!build_id(a, alen, &ia, &la) || !build_id(b, blen, &ib, &lb))
		return false;
	return la == lb && !memcmp(ia, ib, la);
}

static bool running_kernel_is_build_host(void)
{
	unsigned char notes[NOTES_MAX];
	cleanup_close int fd = open(KERNEL_NOTES, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, notes, sizeof(notes));
	if (n <= 0)
		return false;
	return nsw_kernel_notes_match(notes, n, nsw_min_btf_notes,
				      nsw_min_btf_notes_end - nsw_min_btf_notes);
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

const char *nsw_kernel_btf_open(struct nsw_kernel_btf *kb)
{
	size_t len = nsw_min_btf_end - nsw_min_btf;

	kb->fd = -1;
	kb->path[0] = '\0';
	if (!len || !running_kernel_is_build_host())
		return NULL;
	kb->fd = memfd_create("nswatch-min-btf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (kb->fd < 0)
		return NULL;
	if (!write_all(kb->fd, nsw_min_btf, len) ||
	    fcntl(kb->fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		nsw_kernel_btf_close(kb);
		return NULL;
	}
	snprintf(kb->path, sizeof(kb->path), "/proc/self/fd/%d", kb->fd);
	return kb->path;
}

void nsw_kernel_btf_close(struct nsw_kernel_btf *kb)
{
	if (kb->fd >= 0)
		close(kb->fd);
	kb->fd = -1;
	kb->path[0] = '\0';
}

bool nsw_kernel_btf_struct_ids_read(const char *kfunc, const char *const *names,
				    unsigned int *ids, size_t n)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool all = btf && btf__find_by_name_kind(btf, kfunc, BTF_KIND_FUNC) > 0;

	for (size_t i = 0; i < n; i++) {
		int id = all ? btf__find_by_name_kind(btf, names[i], BTF_KIND_STRUCT) : 0;

		ids[i] = id > 0 ? (unsigned int)id : 0;
		all = all && id > 0;
	}
	if (!all)
		memset(ids, 0, n * sizeof(*ids));
	btf__free(btf);
	return all;
}

#define IDS_LINE_MAX 128

/* The id of KIND NAME in a table of "KIND NAME ID" lines, or 0. */
static unsigned int table_id(const char *table, size_t len, const char *kind, const char *name)
{
	const char *p = table, *end = table + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = (nl ? nl : end) - p;
		char line[IDS_LINE_MAX], k[IDS_LINE_MAX], nm[IDS_LINE_MAX], extra;
		unsigned long long id;

		if (l < sizeof(line)) {
			memcpy(line, p, l);
			line[l] = '\0';
			if (sscanf(line, "%127s %127s %llu %c", k, nm, &id, &extra) == 3 &&
			    !strcmp(k, kind) && !strcmp(nm, name) && id > 0 && id <= UINT32_MAX)
				return id;
		}
		p += l + 1;
	}
	return 0;
}

bool nsw_kernel_btf_ids_from_table(const char *table, size_t len, long long btf_size,
				   const char *kfunc, const char *const *names,
				   unsigned int *ids, size_t n)
{
	char first[IDS_LINE_MAX];
	const char *nl = memchr(table, '\n', len);
	size_t l = nl ? (size_t)(nl - table) : len;
	long long size;
	char extra;
	bool all;

	memset(ids, 0, n * sizeof(*ids));
	if (!len || l >= sizeof(first))
		return false;
	memcpy(first, table, l);
	first[l] = '\0';
	/* Recorded from a BTF of another size: from another kernel. */
	if (sscanf(first, "btf_size %lld %c", &size, &extra) != 1 || size <= 0 || size != btf_size)
		return false;
	all = table_id(table, len, "FUNC", kfunc) > 0;
	for (size_t i = 0; i < n && all; i++) {
		ids[i] = table_id(table, len, "STRUCT", names[i]);
		all = ids[i] > 0;
	}
	if (!all)
		memset(ids, 0, n * sizeof(*ids));
	return all;
}

bool nsw_kernel_btf_struct_ids(const char *kfunc, const char *const *names, unsigned int *ids,
			       size_t n)
{
	struct stat st;

	if (running_kernel_is_build_host() && !stat(KERNEL_BTF, &st) &&
	    nsw_kernel_btf_ids_from_table(nsw_btf_ids, nsw_btf_ids_end - nsw_btf_ids, st.st_size,
					  kfunc, names, ids, n))
		return true;
	return nsw_kernel_btf_struct_ids_read(kfunc, names, ids, n);
}
