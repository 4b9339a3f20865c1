/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmview selftests: shared helpers.
 *
 * Talking to the debugfs files (open, one-write requests, bounded reads),
 * parsers for the text formats of docs/interface.md, and the oracles the
 * tests compare against: /proc/PID/pagemap, /proc/kpageflags, /proc/PID/maps
 * and small facts about the running system.
 *
 * Everything is static inline so that every test binary is one translation
 * unit that only pays for what it uses.  Parsers never abort: they return -1
 * and leave a message in vmv_err for the test to log.
 */
#ifndef VMVIEW_TEST_H
#define VMVIEW_TEST_H

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "vmview.h"

#define VMV_DIR_PATH		"/sys/kernel/debug/" VMVIEW_DIR
#define VMV_PAGE		4096UL
#define VMV_PMD_SIZE		(2UL << 20)
#define VMV_PMD_PAGES		512UL
#define VMV_REQ_MAX		255
#define VMV_BUF_MAX		(64UL << 20)	/* bounded growth of read buffers */

/* /proc/PID/pagemap, Documentation/admin-guide/mm/pagemap.rst */
#define PM_PFN_MASK		((1ULL << 55) - 1)
#define PM_SOFT_DIRTY		(1ULL << 55)
#define PM_EXCLUSIVE		(1ULL << 56)
#define PM_UFFD_WP		(1ULL << 57)
#define PM_FILE			(1ULL << 61)
#define PM_SWAP			(1ULL << 62)
#define PM_PRESENT		(1ULL << 63)
#define PM_SWAP_TYPE(e)		((unsigned int)((e) & 0x1f))
#define PM_SWAP_OFF(e)		(((e) & PM_PFN_MASK) >> 5)

/* /proc/kpageflags bits */
#define KPF_COMPOUND_HEAD	15
#define KPF_HUGE		17
#define KPF_THP			22

static __thread char vmv_err[1024] __attribute__((unused));

static inline int vmv_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(vmv_err, sizeof(vmv_err), fmt, ap);
	va_end(ap);
	return -1;
}

static inline uint64_t vmv_page_down(uint64_t a)
{
	return a & ~(VMV_PAGE - 1);
}

/* ------------------------------------------------------------------ */
/* Buffers and I/O                                                      */
/* ------------------------------------------------------------------ */

struct vmv_buf {
	char *data;
	size_t len;
	size_t cap;
};

static inline void vmv_buf_free(struct vmv_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static inline void vmv_buf_reset(struct vmv_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for @want more bytes plus a NUL; doubles up to VMV_BUF_MAX. */
static inline int vmv_buf_reserve(struct vmv_buf *b, size_t want)
{
	size_t cap = b->cap ? b->cap : 65536;
	char *p;

	while (cap < b->len + want + 1) {
		if (cap >= VMV_BUF_MAX)
			return -E2BIG;
		cap *= 2;
	}
	if (cap == b->cap)
		return 0;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

/* One read() appended to @b.  Returns bytes read, 0 at EOF, or -errno. */
static inline ssize_t vmv_read_chunk(int fd, struct vmv_buf *b, size_t n)
{
	ssize_t r;
	int ret;

	ret = vmv_buf_reserve(b, n);
	if (ret)
		return ret;
	r = read(fd, b->data + b->len, n);
	if (r < 0)
		return -errno;
	b->len += r;
	b->data[b->len] = '\0';
	return r;
}

/* Read until EOF.  Returns 0 or -errno; what was read stays in @b. */
static inline int vmv_read_all(int fd, struct vmv_buf *b)
{
	ssize_t r;

	vmv_buf_reset(b);
	do {
		r = vmv_read_chunk(fd, b, 16384);
	} while (r > 0);
	return r < 0 ? (int)r : 0;
}

/* Open a vmview file.  Returns the fd or -errno. */
static inline int vmv_open(const char *file, int flags)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), VMV_DIR_PATH "/%s", file);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* Write @len bytes as one request.  Returns 0 or -errno. */
static inline int vmv_write(int fd, const void *buf, size_t len)
{
	ssize_t w = write(fd, buf, len);

	if (w < 0)
		return -errno;
	if ((size_t)w != len)
		return -EIO;
	return 0;
}

static inline int vmv_vrequest(int fd, const char *fmt, va_list ap)
{
	char req[1024];
	int n;

	n = vsnprintf(req, sizeof(req), fmt, ap);
	if (n < 0 || (size_t)n >= sizeof(req))
		return -EOVERFLOW;
	return vmv_write(fd, req, n);
}

/* printf-style request on an open file.  Returns 0 or -errno. */
static inline int vmv_request(int fd, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vmv_vrequest(fd, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * Open @file, write the request (none if @fmt is NULL: the file is then
 * opened read-only, which is all `kernel` allows), read everything into @b.
 * Returns 0 or the -errno of the failing step.
 */
static inline int vmv_query(const char *file, struct vmv_buf *b,
			    const char *fmt, ...)
{
	va_list ap;
	int fd, ret;

	fd = vmv_open(file, fmt ? O_RDWR : O_RDONLY);
	if (fd < 0)
		return fd;
	ret = 0;
	if (fmt) {
		va_start(ap, fmt);
		ret = vmv_vrequest(fd, fmt, ap);
		va_end(ap);
	}
	if (!ret)
		ret = vmv_read_all(fd, b);
	close(fd);
	return ret;
}

/* Small text file into @buf.  Returns length or -errno. */
static inline ssize_t vmv_slurp(const char *path, char *buf, size_t size)
{
	ssize_t r, len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)len < size - 1) {
		r = read(fd, buf + len, size - 1 - len);
		if (r < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		if (!r)
			break;
		len += r;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

/* ------------------------------------------------------------------ */
/* Tokens                                                               */
/* ------------------------------------------------------------------ */

/* Copy the next line of @*pos into @line; false at the end of the text. */
static inline bool vmv_next_line(const char **pos, char *line, size_t size)
{
	const char *p = *pos, *nl;
	size_t n;

	if (!p || !*p)
		return false;
	nl = strchr(p, '\n');
	n = nl ? (size_t)(nl - p) : strlen(p);
	if (n >= size)
		n = size - 1;
	memcpy(line, p, n);
	line[n] = '\0';
	*pos = nl ? nl + 1 : p + strlen(p);
	return true;
}

/* Value of the token "KEY=..." in @line (at a token boundary), or NULL. */
static inline const char *vmv_tok(const char *line, const char *key)
{
	size_t klen = strlen(key);
	const char *p = line;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == line || p[-1] == ' ') && p[klen] == '=')
			return p + klen + 1;
		p += klen;
	}
	return NULL;
}

/* Parse a number that must end at a space or the end of the string. */
static inline bool vmv_num(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == ' ')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	return *end == '\0' || *end == ' ';
}

static inline bool vmv_tok_u64(const char *line, const char *key, uint64_t *v)
{
	return vmv_num(vmv_tok(line, key), v);
}

static inline bool vmv_tok_str(const char *line, const char *key,
			       char *out, size_t size)
{
	const char *v = vmv_tok(line, key);
	size_t n;

	if (!v)
		return false;
	n = strcspn(v, " ");
	if (n >= size)
		n = size - 1;
	memcpy(out, v, n);
	out[n] = '\0';
	return true;
}

/* "0xSTART-0xEND" at @s; returns the character after it, or NULL. */
static inline const char *vmv_range(const char *s, uint64_t *start,
				    uint64_t *end)
{
	char *e;

	if (strncmp(s, "0x", 2))
		return NULL;
	*start = strtoull(s, &e, 16);
	if (*e != '-' || strncmp(e + 1, "0x", 2))
		return NULL;
	s = e + 1;
	*end = strtoull(s, &e, 16);
	return e;
}

/* The 13-letter flag string of docs/interface.md into VMV_F_* bits. */
static inline int vmv_flags(const char *s, unsigned int *out)
{
	const char *letters = VMV_FLAG_LETTERS;
	int i;

	*out = 0;
	for (i = 0; i < VMV_F_NFLAGS; i++) {
		if (s[i] == letters[i])
			*out |= 1U << i;
		else if (s[i] != '-')
			return -1;
	}
	return (s[i] == '\0' || s[i] == ' ') ? 0 : -1;
}

static inline void vmv_flags_str(unsigned int flags, char out[VMV_F_NFLAGS + 1])
{
	int i;

	for (i = 0; i < VMV_F_NFLAGS; i++)
		out[i] = (flags & (1U << i)) ? VMV_FLAG_LETTERS[i] : '-';
	out[VMV_F_NFLAGS] = '\0';
}

static const char *const vmv_level_names[] = {
	[VMV_L_PTE] = "pte", [VMV_L_PMD] = "pmd", [VMV_L_PUD] = "pud",
	[VMV_L_P4D] = "p4d", [VMV_L_PGD] = "pgd",
};

static const char *const vmv_type_names[] = {
	[VMV_T_PAGE] = "page", [VMV_T_ZERO] = "zero",
	[VMV_T_PFNMAP] = "pfnmap", [VMV_T_SWAP] = "swap",
	[VMV_T_MIGRATION] = "migration", [VMV_T_DEVPRIV] = "devpriv",
	[VMV_T_DEVEXCL] = "devexcl", [VMV_T_MARKER] = "marker",
	[VMV_T_HWPOISON] = "hwpoison",
};

static inline int vmv_lookup(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 1; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return i;
	return 0;
}

static inline int vmv_level(const char *s)
{
	return vmv_lookup(vmv_level_names, 6, s);
}

static inline int vmv_type(const char *s)
{
	return vmv_lookup(vmv_type_names, VMV_T_MAX, s);
}

static inline uint64_t vmv_level_pages(int level)
{
	switch (level) {
	case VMV_L_PMD:
		return VMV_PMD_PAGES;
	case VMV_L_PUD:
		return VMV_PMD_PAGES * 512;
	default:
		return 1;
	}
}

/* ------------------------------------------------------------------ */
/* Version line                                                          */
/* ------------------------------------------------------------------ */

struct vmv_ver {
	int version;
	long pid;		/* -1 when absent */
	int levels;		/* 0 when absent */
	int pti;		/* -1 absent, 0 off, 1 on */
	char mode[16];
	uint64_t start, end, addr;
};

/* The first line of @text must be "# vmview FILE 1 ...". */
static inline int vmv_parse_version(const char *text, const char *file,
				    struct vmv_ver *v)
{
	char line[1024], want[64], pti[8];
	const char *pos = text;
	uint64_t x;

	memset(v, 0, sizeof(*v));
	v->pid = -1;
	v->pti = -1;
	if (!vmv_next_line(&pos, line, sizeof(line)))
		return vmv_fail("%s: empty output", file);
	snprintf(want, sizeof(want), "# vmview %s ", file);
	if (strncmp(line, want, strlen(want)))
		return vmv_fail("%s: bad version line '%s'", file, line);
	if (!vmv_num(line + strlen(want), &x) || x != VMVIEW_FORMAT_VERSION)
		return vmv_fail("%s: bad version in '%s'", file, line);
	v->version = (int)x;
	if (vmv_tok_u64(line, "pid", &x))
		v->pid = (long)x;
	if (vmv_tok_u64(line, "levels", &x))
		v->levels = (int)x;
	if (vmv_tok_str(line, "pti", pti, sizeof(pti)))
		v->pti = !strcmp(pti, "on");
	vmv_tok_str(line, "mode", v->mode, sizeof(v->mode));
	vmv_tok_u64(line, "start", &v->start);
	vmv_tok_u64(line, "end", &v->end);
	vmv_tok_u64(line, "addr", &v->addr);
	return 0;
}

/* ------------------------------------------------------------------ */
/* pages                                                                 */
/* ------------------------------------------------------------------ */

struct vmv_leaf {
	uint64_t start, end;
	int level;
	int type;
	unsigned int flags;
	uint64_t pages;
	bool has_pfn;
	uint64_t pfn;
	bool has_swap;
	unsigned int swap_type;
	uint64_t swap_off;
	int src;
	bool has_off;
	uint64_t off;
	long map;		/* -1 when absent */
	bool excl;
	bool write;
};

struct vmv_pages {
	struct vmv_ver ver;
	struct vmv_leaf *v;
	size_t n;
};

static inline void vmv_pages_free(struct vmv_pages *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static inline int vmv_parse_swap(const char *line, unsigned int *type,
				 uint64_t *off)
{
	const char *s = vmv_tok(line, "swap");
	char *e;

	if (!s)
		return 0;
	*type = (unsigned int)strtoul(s, &e, 10);
	if (e == s || *e != ':' || strncmp(e + 1, "0x", 2))
		return -1;
	return vmv_num(e + 1, off) ? 1 : -1;
}

static inline int vmv_parse_src(const char *line)
{
	char src[16];

	if (!vmv_tok_str(line, "src", src, sizeof(src)))
		return VMV_SRC_NONE;
	if (!strcmp(src, "anon"))
		return VMV_SRC_ANON;
	if (!strcmp(src, "file"))
		return VMV_SRC_FILE;
	return -1;
}

/* One `pages` record. */
static inline int vmv_parse_leaf(const char *line, struct vmv_leaf *l)
{
	char lvl[16], type[16];
	const char *p;
	uint64_t x;
	int r;

	memset(l, 0, sizeof(*l));
	l->map = -1;
	p = vmv_range(line, &l->start, &l->end);
	if (!p || sscanf(p, " %15s %15s", lvl, type) != 2)
		return vmv_fail("bad pages line '%s'", line);
	l->level = vmv_level(lvl);
	l->type = vmv_type(type);
	if (l->level < VMV_L_PTE || l->level > VMV_L_PUD || !l->type)
		return vmv_fail("bad level/type in '%s'", line);
	p = strstr(p, type) + strlen(type);
	if (*p != ' ' || vmv_flags(p + 1, &l->flags))
		return vmv_fail("bad flags in '%s'", line);
	if (!vmv_tok_u64(line, "pages", &l->pages))
		return vmv_fail("no pages= in '%s'", line);
	l->has_pfn = vmv_tok_u64(line, "pfn", &l->pfn);
	r = vmv_parse_swap(line, &l->swap_type, &l->swap_off);
	if (r < 0)
		return vmv_fail("bad swap= in '%s'", line);
	l->has_swap = r;
	l->src = vmv_parse_src(line);
	if (l->src < 0)
		return vmv_fail("bad src= in '%s'", line);
	l->has_off = vmv_tok_u64(line, "off", &l->off);
	if (vmv_tok_u64(line, "map", &x))
		l->map = (long)x;
	l->excl = vmv_tok_u64(line, "excl", &x) && x == 1;
	l->write = vmv_tok_u64(line, "write", &x) && x == 1;
	return 0;
}

/* Checks every record must pass on its own and against the previous one. */
static inline int vmv_check_leaf(const struct vmv_leaf *l,
				 const struct vmv_leaf *prev)
{
	if (l->start >= l->end || (l->start | l->end) & (VMV_PAGE - 1))
		return vmv_fail("bad range 0x%llx-0x%llx",
				(unsigned long long)l->start,
				(unsigned long long)l->end);
	if (l->pages != (l->end - l->start) / VMV_PAGE)
		return vmv_fail("pages=%llu does not match range 0x%llx-0x%llx",
				(unsigned long long)l->pages,
				(unsigned long long)l->start,
				(unsigned long long)l->end);
	if ((l->type == VMV_T_PAGE || l->type == VMV_T_ZERO) && !l->has_pfn)
		return vmv_fail("present leaf at 0x%llx without pfn=",
				(unsigned long long)l->start);
	if (l->type == VMV_T_SWAP && !l->has_swap)
		return vmv_fail("swap leaf at 0x%llx without swap=",
				(unsigned long long)l->start);
	if (prev && prev->end > l->start)
		return vmv_fail("records out of order at 0x%llx",
				(unsigned long long)l->start);
	return 0;
}

static inline int vmv_leaf_push(struct vmv_pages *p, const struct vmv_leaf *l)
{
	struct vmv_leaf *v;

	if ((p->n & (p->n - 1)) == 0) {
		v = realloc(p->v, (p->n ? p->n * 2 : 16) * sizeof(*v));
		if (!v)
			return vmv_fail("out of memory");
		p->v = v;
	}
	p->v[p->n++] = *l;
	return 0;
}

/*
 * A huge record is made of whole leaves (aligned; one in mode=pages, any
 * number in mode=runs) unless it straddles the start or the end of the
 * range, where it is clipped.
 */
static inline int vmv_check_huge(const struct vmv_leaf *l,
				 const struct vmv_ver *v)
{
	uint64_t size = vmv_level_pages(l->level) * VMV_PAGE;

	if (l->level == VMV_L_PTE)
		return 0;
	if ((l->start % size && l->start != v->start) ||
	    (l->end % size && l->end != v->end))
		return vmv_fail("%s leaf 0x%llx-0x%llx neither whole nor clipped",
				vmv_level_names[l->level],
				(unsigned long long)l->start,
				(unsigned long long)l->end);
	/* Whole leaves: one per record in mode=pages, any number in runs. */
	if (l->start % size == 0 && l->end % size == 0 &&
	    (strcmp(v->mode, "pages") ? (l->end - l->start) % size :
	     l->end - l->start != size))
		return vmv_fail("%s leaf 0x%llx-0x%llx of the wrong size",
				vmv_level_names[l->level],
				(unsigned long long)l->start,
				(unsigned long long)l->end);
	return 0;
}

/*
 * Parse and validate a whole `pages` output.  @strict: huge leaves are
 * only clipped at the range's ends; a target that changes while it is
 * read can also have one clipped where a chunk of the walk resumed.
 */
static inline int __vmv_parse_pages(const char *text, struct vmv_pages *p,
				    bool strict)
{
	const char *pos = text;
	struct vmv_leaf l;
	char line[1024];

	memset(p, 0, sizeof(*p));
	if (vmv_parse_version(text, "pages", &p->ver))
		return -1;
	vmv_next_line(&pos, line, sizeof(line));
	while (vmv_next_line(&pos, line, sizeof(line))) {
		if (line[0] == '#')
			continue;
		if (vmv_parse_leaf(line, &l) ||
		    vmv_check_leaf(&l, p->n ? &p->v[p->n - 1] : NULL) ||
		    (strict && vmv_check_huge(&l, &p->ver)) ||
		    vmv_leaf_push(p, &l))
			return -1;
	}
	return 0;
}

static inline int vmv_parse_pages(const char *text, struct vmv_pages *p)
{
	return __vmv_parse_pages(text, p, true);
}

/* For targets that change while they are read. */
static inline int vmv_parse_pages_live(const char *text, struct vmv_pages *p)
{
	return __vmv_parse_pages(text, p, false);
}

/* Read `pages` of @pid for [start, end) and parse it. */
static inline int vmv_get_pages(pid_t pid, uint64_t start, uint64_t end,
				const char *mode, struct vmv_pages *p)
{
	struct vmv_buf b = { 0 };
	int ret;

	memset(p, 0, sizeof(*p));
	ret = vmv_query("pages", &b, "pid=%d start=0x%llx end=0x%llx mode=%s",
			pid, (unsigned long long)start,
			(unsigned long long)end, mode);
	if (ret) {
		vmv_buf_free(&b);
		return vmv_fail("pages pid=%d: %s", pid, strerror(-ret));
	}
	ret = vmv_parse_pages(b.data, p);
	vmv_buf_free(&b);
	return ret;
}

/* One binary record into the text form's struct. */
static inline void vmv_bin_to_leaf(const struct vmv_bin_rec *r,
				   struct vmv_leaf *l)
{
	memset(l, 0, sizeof(*l));
	l->start = r->start;
	l->end = r->start + r->pages * VMV_PAGE;
	l->pages = r->pages;
	l->level = r->level;
	l->type = r->type;
	l->flags = r->flags;
	l->src = r->src;
	l->map = r->mapcount;
	l->excl = r->bits & VMV_B_EXCL;
	l->write = r->bits & VMV_B_WRITE;
	l->off = r->off;
	l->has_off = r->src == VMV_SRC_FILE;
	if (r->type == VMV_T_SWAP) {
		l->has_swap = true;
		l->swap_type = r->swap_type;
		l->swap_off = r->pfn;
	} else {
		l->has_pfn = r->type != VMV_T_MARKER;
		l->pfn = r->pfn;
	}
}

/* Parse and validate a `pages` output in format=bin. */
static inline int vmv_parse_pages_bin(const void *buf, size_t len,
				      struct vmv_pages *p)
{
	const struct vmv_bin_header *h = buf;
	const char *pos;
	struct vmv_leaf l;
	size_t rs;

	memset(p, 0, sizeof(*p));
	if (len < sizeof(*h) || h->magic != VMV_BIN_MAGIC ||
	    h->version != VMVIEW_FORMAT_VERSION || h->hdr_size < sizeof(*h) ||
	    h->rec_size < sizeof(struct vmv_bin_rec) || h->hdr_size > len)
		return vmv_fail("bad binary header (len %zu)", len);
	rs = h->rec_size;
	if ((len - h->hdr_size) % rs)
		return vmv_fail("binary body of %zu bytes, records of %zu",
				len - h->hdr_size, rs);
	p->ver.version = h->version;
	p->ver.pid = h->pid;
	p->ver.levels = h->levels;
	p->ver.start = h->start;
	p->ver.end = h->end;
	snprintf(p->ver.mode, sizeof(p->ver.mode), "%s",
		 h->per_page ? "pages" : "runs");
	for (pos = (const char *)buf + h->hdr_size;
	     pos < (const char *)buf + len; pos += rs) {
		struct vmv_bin_rec r;

		memcpy(&r, pos, sizeof(r));
		vmv_bin_to_leaf(&r, &l);
		if (vmv_check_leaf(&l, p->n ? &p->v[p->n - 1] : NULL) ||
		    vmv_check_huge(&l, &p->ver) || vmv_leaf_push(p, &l))
			return -1;
	}
	return 0;
}

static inline const struct vmv_leaf *vmv_leaf_at(const struct vmv_pages *p,
						 uint64_t va)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (va >= p->v[i].start && va < p->v[i].end)
			return &p->v[i];
	return NULL;
}

/*
 * Frames, slots and offsets are consecutive through a record; a run of
 * zero-page leaves keeps the zero page's frame.
 */
static inline uint64_t vmv_leaf_pfn(const struct vmv_leaf *l, uint64_t va)
{
	if (l->type == VMV_T_ZERO)
		return l->pfn;
	return l->pfn + (va - l->start) / VMV_PAGE;
}

static inline uint64_t vmv_leaf_swap(const struct vmv_leaf *l, uint64_t va)
{
	return l->swap_off + (va - l->start) / VMV_PAGE;
}

static inline uint64_t vmv_leaf_off(const struct vmv_leaf *l, uint64_t va)
{
	return l->off + (vmv_page_down(va) - l->start);
}

/* ------------------------------------------------------------------ */
/* pagemap, kpageflags                                                   */
/* ------------------------------------------------------------------ */

/* Open /proc/PID/pagemap (pid 0: self).  Returns fd or -errno. */
static inline int pagemap_open(pid_t pid)
{
	char path[64];
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static inline int pagemap_read(int fd, uint64_t va, uint64_t *ent)
{
	off_t off = (off_t)(va / VMV_PAGE) * 8;

	if (pread(fd, ent, 8, off) != 8)
		return vmv_fail("pagemap pread at 0x%llx: %s",
				(unsigned long long)va, strerror(errno));
	return 0;
}

/* One entry of @pid's pagemap; 0 when unreadable. */
static inline uint64_t pagemap_get(pid_t pid, uint64_t va)
{
	uint64_t ent = 0;
	int fd = pagemap_open(pid);

	if (fd < 0)
		return 0;
	if (pagemap_read(fd, va, &ent))
		ent = 0;
	close(fd);
	return ent;
}

static inline uint64_t pagemap_pfn(uint64_t ent)
{
	return ent & PM_PFN_MASK;
}

/* One 8-byte entry per frame of /proc/kpageflags or /proc/kpagecount. */
static inline int kpage_get(const char *path, uint64_t pfn, uint64_t *v)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = pread(fd, v, 8, (off_t)pfn * 8);
	close(fd);
	return r == 8 ? 0 : -EIO;
}

static inline int kpageflags_get(uint64_t pfn, uint64_t *flags)
{
	return kpage_get("/proc/kpageflags", pfn, flags);
}

/* The frame's mapcount as the kernel counts it (page_mapcount()). */
static inline int kpagecount_get(uint64_t pfn, uint64_t *count)
{
	return kpage_get("/proc/kpagecount", pfn, count);
}

/*
 * Compare a parsed `pages` output with @pid's pagemap, page by page over
 * [start, end): present pages must have a record with the same frame,
 * swapped pages a swap record with the same type and slot, and pages
 * pagemap knows nothing about must have no record.  Returns the number of
 * pages checked, or -1 with vmv_err set.
 */
static inline long vmv_check_pagemap(const struct vmv_pages *p, pid_t pid,
				     uint64_t start, uint64_t end)
{
	const struct vmv_leaf *l;
	uint64_t va, ent;
	long n = 0;
	int fd, ret = 0;

	fd = pagemap_open(pid);
	if (fd < 0)
		return vmv_fail("open pagemap of %d: %s", pid, strerror(-fd));
	for (va = start; va < end && !ret; va += VMV_PAGE, n++) {
		ret = pagemap_read(fd, va, &ent);
		if (ret)
			break;
		l = vmv_leaf_at(p, va);
		if (ent & PM_PRESENT) {
			if (!l || !l->has_pfn ||
			    (l->type != VMV_T_PAGE && l->type != VMV_T_ZERO &&
			     l->type != VMV_T_PFNMAP))
				ret = vmv_fail("0x%llx: pagemap pfn 0x%llx, vmview %s",
					       (unsigned long long)va,
					       (unsigned long long)pagemap_pfn(ent),
					       l ? "no frame" : "no record");
			else if (vmv_leaf_pfn(l, va) != pagemap_pfn(ent))
				ret = vmv_fail("0x%llx: pagemap pfn 0x%llx, vmview 0x%llx",
					       (unsigned long long)va,
					       (unsigned long long)pagemap_pfn(ent),
					       (unsigned long long)vmv_leaf_pfn(l, va));
		} else if (ent & PM_SWAP) {
			if (!l || l->type != VMV_T_SWAP ||
			    l->swap_type != PM_SWAP_TYPE(ent) ||
			    vmv_leaf_swap(l, va) != PM_SWAP_OFF(ent))
				ret = vmv_fail("0x%llx: pagemap swap %u:0x%llx, vmview %s",
					       (unsigned long long)va,
					       PM_SWAP_TYPE(ent),
					       (unsigned long long)PM_SWAP_OFF(ent),
					       l ? "differs" : "no record");
		} else if (l) {
			ret = vmv_fail("0x%llx: not in pagemap but vmview has a %s record",
				       (unsigned long long)va,
				       vmv_type_names[l->type]);
		}
	}
	close(fd);
	return ret ? -1 : n;
}

/* ------------------------------------------------------------------ */
/* vmas                                                                  */
/* ------------------------------------------------------------------ */

struct vmv_vma {
	uint64_t start, end;
	char perms[8];
	char kind[16];
	uint64_t vsize, rss, dirty, swap, huge;
	bool has_off;
	uint64_t off;
	char file[512];
};

struct vmv_vmas {
	struct vmv_ver ver;
	struct vmv_vma *v;
	size_t n;
};

static inline void vmv_vmas_free(struct vmv_vmas *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static inline int vmv_parse_vma(const char *line, struct vmv_vma *v)
{
	const char *p, *f;

	memset(v, 0, sizeof(*v));
	p = vmv_range(line, &v->start, &v->end);
	if (!p || sscanf(p, " %7s %15s", v->perms, v->kind) != 2 ||
	    strlen(v->perms) != 4)
		return vmv_fail("bad vmas line '%s'", line);
	if (!vmv_tok_u64(line, "vsize", &v->vsize) ||
	    !vmv_tok_u64(line, "rss", &v->rss) ||
	    !vmv_tok_u64(line, "dirty", &v->dirty) ||
	    !vmv_tok_u64(line, "swap", &v->swap) ||
	    !vmv_tok_u64(line, "huge", &v->huge))
		return vmv_fail("missing counts in '%s'", line);
	f = strstr(line, " file=");
	if (f)
		snprintf(v->file, sizeof(v->file), "%s", f + 6);
	v->has_off = vmv_tok_u64(line, "off", &v->off);
	return 0;
}

static inline int vmv_parse_vmas(const char *text, struct vmv_vmas *p)
{
	const char *pos = text;
	struct vmv_vma v, *nv;
	char line[1024];

	memset(p, 0, sizeof(*p));
	if (vmv_parse_version(text, "vmas", &p->ver))
		return -1;
	vmv_next_line(&pos, line, sizeof(line));
	while (vmv_next_line(&pos, line, sizeof(line))) {
		if (line[0] == '#')
			continue;
		if (vmv_parse_vma(line, &v))
			return -1;
		if (p->n && p->v[p->n - 1].end > v.start)
			return vmv_fail("vmas out of order at '%s'", line);
		nv = realloc(p->v, (p->n + 1) * sizeof(*nv));
		if (!nv)
			return vmv_fail("out of memory");
		p->v = nv;
		p->v[p->n++] = v;
	}
	return 0;
}

static inline const struct vmv_vma *vmv_vma_at(const struct vmv_vmas *p,
					       uint64_t va)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (va >= p->v[i].start && va < p->v[i].end)
			return &p->v[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* translate                                                             */
/* ------------------------------------------------------------------ */

struct vmv_xlevel {
	bool seen;
	bool folded;
	uint64_t index;
	uint64_t entry;
	unsigned int flags;
	bool has_user;
	uint64_t user;		/* pgd: the PTI user copy, when it differs */
	int pse;		/* -1 when absent */
};

struct vmv_xlate {
	struct vmv_ver ver;
	uint64_t va, vpn, offset, pgd_phys;
	bool has_head;
	struct vmv_xlevel lvl[VMV_L_PGD + 1];
	int order[VMV_L_PGD + 1];	/* levels in the order printed */
	int nlvl;
	bool has_result;
	char stop[16];
	int stop_level;
	int type;
	unsigned int flags;
	bool has_pfn;
	uint64_t pfn, phys, directmap;
	int src;
	long map;
	bool has_swap;
	unsigned int swap_type;
	uint64_t swap_off;
	uint64_t pages;		/* size of the leaf in base pages */
	bool has_off;
	uint64_t off;
	int nbytes;		/* -1: no bytes line */
	bool unreadable;
	unsigned char bytes[256];
};

static inline int vmv_parse_xlevel(const char *line, struct vmv_xlate *x)
{
	struct vmv_xlevel *lv;
	char name[8];
	const char *f;
	uint64_t v;
	int level;

	if (!vmv_tok_str(line, "level", name, sizeof(name)))
		return vmv_fail("bad level line '%s'", line);
	level = vmv_level(name);
	if (!level || x->nlvl > VMV_L_PGD)
		return vmv_fail("bad level in '%s'", line);
	lv = &x->lvl[level];
	if (lv->seen)
		return vmv_fail("level %s twice", name);
	lv->seen = true;
	x->order[x->nlvl++] = level;
	if (vmv_tok_u64(line, "folded", &v) && v == 1) {
		lv->folded = true;
		return 0;
	}
	f = vmv_tok(line, "flags");
	if (!vmv_tok_u64(line, "index", &lv->index) ||
	    !vmv_tok_u64(line, "entry", &lv->entry) || !f ||
	    vmv_flags(f, &lv->flags))
		return vmv_fail("bad level line '%s'", line);
	lv->has_user = vmv_tok_u64(line, "user", &lv->user);
	lv->pse = vmv_tok_u64(line, "pse", &v) ? (int)v : -1;
	return 0;
}

static inline int vmv_parse_xresult(const char *line, struct vmv_xlate *x)
{
	char lvl[8], type[16];
	const char *f;
	uint64_t v;
	int r;

	x->has_result = true;
	if (!vmv_tok_str(line, "stop", x->stop, sizeof(x->stop)))
		return vmv_fail("no stop= in '%s'", line);
	if (vmv_tok_str(line, "level", lvl, sizeof(lvl)))
		x->stop_level = vmv_level(lvl);
	if (vmv_tok_str(line, "type", type, sizeof(type)))
		x->type = vmv_type(type);
	f = vmv_tok(line, "flags");
	if (f && vmv_flags(f, &x->flags))
		return vmv_fail("bad flags in '%s'", line);
	x->has_pfn = vmv_tok_u64(line, "pfn", &x->pfn);
	vmv_tok_u64(line, "pages", &x->pages);
	x->has_off = vmv_tok_u64(line, "off", &x->off);
	vmv_tok_u64(line, "phys", &x->phys);
	vmv_tok_u64(line, "directmap", &x->directmap);
	x->src = vmv_parse_src(line);
	x->map = vmv_tok_u64(line, "map", &v) ? (long)v : -1;
	r = vmv_parse_swap(line, &x->swap_type, &x->swap_off);
	if (r < 0)
		return vmv_fail("bad swap= in '%s'", line);
	x->has_swap = r;
	return 0;
}

static inline int vmv_parse_xbytes(const char *line, struct vmv_xlate *x)
{
	const char *p = line + strlen("bytes=");
	char *e;
	unsigned long n, b;
	int i;

	n = strtoul(p, &e, 10);
	if (e == p || n > 256)
		return vmv_fail("bad bytes line '%s'", line);
	x->nbytes = (int)n;
	for (i = 0; i < x->nbytes; i++) {
		p = e;
		if (*p != ' ' || !isxdigit((unsigned char)p[1]) ||
		    !isxdigit((unsigned char)p[2]))
			return vmv_fail("bad byte %d in bytes line", i);
		b = strtoul(p + 1, &e, 16);
		if (e != p + 3)
			return vmv_fail("bad byte %d in bytes line", i);
		x->bytes[i] = (unsigned char)b;
	}
	if (!strcmp(e, " unreadable=1"))
		x->unreadable = true;
	else if (*e && *e != ' ')
		return vmv_fail("trailing data in bytes line");
	return 0;
}

static inline int vmv_parse_xline(const char *line, struct vmv_xlate *x)
{
	if (!strncmp(line, "va=", 3)) {
		x->has_head = true;
		if (!vmv_tok_u64(line, "va", &x->va) ||
		    !vmv_tok_u64(line, "vpn", &x->vpn) ||
		    !vmv_tok_u64(line, "offset", &x->offset) ||
		    !vmv_tok_u64(line, "pgd_phys", &x->pgd_phys))
			return vmv_fail("bad va line '%s'", line);
		return 0;
	}
	if (!strncmp(line, "level=", 6))
		return vmv_parse_xlevel(line, x);
	if (!strncmp(line, "result ", 7))
		return vmv_parse_xresult(line, x);
	if (!strncmp(line, "bytes=", 6))
		return vmv_parse_xbytes(line, x);
	return vmv_fail("unknown translate line '%s'", line);
}

static inline int vmv_parse_translate(const char *text, struct vmv_xlate *x)
{
	const char *pos = text;
	char line[2048];

	memset(x, 0, sizeof(*x));
	x->nbytes = -1;
	x->map = -1;
	if (vmv_parse_version(text, "translate", &x->ver))
		return -1;
	vmv_next_line(&pos, line, sizeof(line));
	while (vmv_next_line(&pos, line, sizeof(line))) {
		if (line[0] == '#')
			continue;
		if (vmv_parse_xline(line, x))
			return -1;
	}
	if (!x->has_head || !x->has_result)
		return vmv_fail("translate without va= or result line");
	return 0;
}

static inline int vmv_get_translate(pid_t pid, uint64_t addr, int bytes,
				    struct vmv_xlate *x)
{
	struct vmv_buf b = { 0 };
	int ret;

	ret = vmv_query("translate", &b, "pid=%d addr=0x%llx bytes=%d", pid,
			(unsigned long long)addr, bytes);
	if (ret) {
		vmv_buf_free(&b);
		return vmv_fail("translate 0x%llx: %s",
				(unsigned long long)addr, strerror(-ret));
	}
	ret = vmv_parse_translate(b.data, x);
	vmv_buf_free(&b);
	return ret;
}

/* ------------------------------------------------------------------ */
/* layout and kernel                                                     */
/* ------------------------------------------------------------------ */

#define VMV_MAX_REGIONS 32

struct vmv_region {
	char name[32];
	uint64_t start, end;
};

struct vmv_layout {
	struct vmv_ver ver;
	uint64_t task_size, page_offset_base, vmalloc_base, vmemmap_base;
	uint64_t vsyscall, kernel_phys;
	int nbases;
	struct vmv_region r[VMV_MAX_REGIONS];
	int nr;
	bool has_target;
	bool target_gone;	/* state=gone */
	long target_pid;
	uint64_t pgd_phys;
	bool has_user_pgd;
	uint64_t user_pgd_phys;
	int nunknown;		/* lines the format does not document */
	char unknown[128];	/* the first of them */
};

static inline int vmv_parse_region(const char *line, struct vmv_region *r)
{
	unsigned long long s, e;

	if (sscanf(line, "region %31s 0x%llx 0x%llx", r->name, &s, &e) != 3)
		return vmv_fail("bad region line '%s'", line);
	r->start = s;
	r->end = e;
	return 0;
}

static inline const struct vmv_region *vmv_region(const struct vmv_layout *l,
						  const char *name)
{
	int i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->r[i].name, name))
			return &l->r[i];
	return NULL;
}

static inline int vmv_parse_base(const char *line, struct vmv_layout *l)
{
	static const char *const names[] = {
		"task_size ", "page_offset_base ", "vmalloc_base ",
		"vmemmap_base ", "vsyscall ", "kernel_phys ",
	};
	uint64_t *dst[] = {
		&l->task_size, &l->page_offset_base, &l->vmalloc_base,
		&l->vmemmap_base, &l->vsyscall, &l->kernel_phys,
	};
	size_t i, n;

	for (i = 0; i < 6; i++) {
		n = strlen(names[i]);
		if (strncmp(line, names[i], n))
			continue;
		if (strncmp(line + n, "0x", 2) || !vmv_num(line + n, dst[i]))
			return vmv_fail("bad line '%s'", line);
		l->nbases++;
		return 0;
	}
	return 1;
}

static inline int vmv_parse_lline(const char *line, struct vmv_layout *l)
{
	uint64_t v;
	int r = vmv_parse_base(line, l);

	if (r <= 0)
		return r;
	if (!strncmp(line, "region ", 7)) {
		if (l->nr >= VMV_MAX_REGIONS)
			return vmv_fail("too many regions");
		return vmv_parse_region(line, &l->r[l->nr++]);
	}
	if (!strncmp(line, "target ", 7)) {
		char state[16];

		l->has_target = true;
		if (!vmv_tok_u64(line, "pid", &v))
			return vmv_fail("bad target line '%s'", line);
		l->target_pid = (long)v;
		if (vmv_tok_str(line, "state", state, sizeof(state)) &&
		    !strcmp(state, "gone")) {
			l->target_gone = true;
			return 0;
		}
		if (!vmv_tok_u64(line, "pgd_phys", &l->pgd_phys))
			return vmv_fail("bad target line '%s'", line);
		l->has_user_pgd = vmv_tok_u64(line, "user_pgd_phys",
					      &l->user_pgd_phys);
		return 0;
	}
	/* Tolerated here; layout_test checks that there are none. */
	if (!l->nunknown++)
		snprintf(l->unknown, sizeof(l->unknown), "%.127s", line);
	return 0;
}

static inline int vmv_parse_layout(const char *text, struct vmv_layout *l)
{
	const char *pos = text;
	char line[1024];

	memset(l, 0, sizeof(*l));
	if (vmv_parse_version(text, "layout", &l->ver))
		return -1;
	vmv_next_line(&pos, line, sizeof(line));
	while (vmv_next_line(&pos, line, sizeof(line))) {
		if (line[0] == '#')
			continue;
		if (vmv_parse_lline(line, l))
			return -1;
	}
	if (l->nbases != 6)
		return vmv_fail("layout lacks one of the base lines");
	return 0;
}

/* Layout as seen with target @pid (0: no pid= in the request). */
static inline int vmv_get_layout(pid_t pid, struct vmv_layout *l)
{
	struct vmv_buf b = { 0 };
	int ret;

	if (pid)
		ret = vmv_query("layout", &b, "pid=%d", pid);
	else
		ret = vmv_query("layout", &b, NULL);
	if (ret) {
		vmv_buf_free(&b);
		return vmv_fail("layout: %s", strerror(-ret));
	}
	ret = vmv_parse_layout(b.data, l);
	vmv_buf_free(&b);
	return ret;
}

struct vmv_kline {
	uint64_t start, end;
	int level;
	unsigned int flags;
	uint64_t pages;
	int region;		/* index of the last region line before it */
};

struct vmv_kernel {
	struct vmv_ver ver;
	struct vmv_region r[VMV_MAX_REGIONS];
	int nr;
	struct vmv_kline *v;
	size_t n;
};

static inline void vmv_kernel_free(struct vmv_kernel *k)
{
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

static inline int vmv_parse_kline(const char *line, struct vmv_kline *k)
{
	char lvl[8];
	const char *p;

	p = vmv_range(line, &k->start, &k->end);
	if (!p || sscanf(p, " %7s", lvl) != 1)
		return vmv_fail("bad kernel line '%s'", line);
	k->level = vmv_level(lvl);
	p = strstr(p, lvl) + strlen(lvl);
	if (!k->level || *p != ' ' || vmv_flags(p + 1, &k->flags) ||
	    !vmv_tok_u64(line, "pages", &k->pages))
		return vmv_fail("bad kernel line '%s'", line);
	if (k->start >= k->end || k->pages != (k->end - k->start) / VMV_PAGE)
		return vmv_fail("kernel line with bad range/pages '%s'", line);
	return 0;
}

static inline int vmv_kernel_line(const char *line, struct vmv_kernel *k)
{
	struct vmv_kline kl, *nv;

	if (!strncmp(line, "region ", 7)) {
		if (k->nr >= VMV_MAX_REGIONS)
			return vmv_fail("too many regions");
		return vmv_parse_region(line, &k->r[k->nr++]);
	}
	if (vmv_parse_kline(line, &kl))
		return -1;
	kl.region = k->nr - 1;
	if (k->n && k->v[k->n - 1].end > kl.start)
		return vmv_fail("kernel lines out of order at '%s'", line);
	if ((k->n & (k->n - 1)) == 0) {
		nv = realloc(k->v, (k->n ? k->n * 2 : 64) * sizeof(*nv));
		if (!nv)
			return vmv_fail("out of memory");
		k->v = nv;
	}
	k->v[k->n++] = kl;
	return 0;
}

static inline int vmv_parse_kernel(const char *text, struct vmv_kernel *k)
{
	const char *pos = text;
	char line[1024];

	memset(k, 0, sizeof(*k));
	if (vmv_parse_version(text, "kernel", &k->ver))
		return -1;
	vmv_next_line(&pos, line, sizeof(line));
	while (vmv_next_line(&pos, line, sizeof(line))) {
		if (line[0] == '#')
			continue;
		if (vmv_kernel_line(line, k))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The environment                                                      */
/* ------------------------------------------------------------------ */

/* Is @word one of the whitespace-separated words of @path's contents? */
static inline bool vmv_file_has_word(const char *path, const char *word)
{
	static char buf[1 << 16];
	size_t n = strlen(word);
	const char *p = buf;

	if (vmv_slurp(path, buf, sizeof(buf)) < 0)
		return false;
	while ((p = strstr(p, word)) != NULL) {
		if ((p == buf || isspace((unsigned char)p[-1])) &&
		    (!p[n] || isspace((unsigned char)p[n])))
			return true;
		p += n;
	}
	return false;
}

static inline bool vmv_cmdline_has(const char *word)
{
	return vmv_file_has_word("/proc/cmdline", word);
}

static inline bool vmv_la57(void)
{
	return vmv_file_has_word("/proc/cpuinfo", "la57");
}

static inline int vmv_expected_levels(void)
{
	return vmv_la57() ? 5 : 4;
}

static inline uint64_t vmv_expected_task_size(void)
{
	return vmv_la57() ? 0xfffffffffff000ULL : 0x7ffffffff000ULL;
}

/* At least one active swap area in /proc/swaps. */
static inline bool vmv_swap_active(void)
{
	char buf[4096];
	char *nl;

	if (vmv_slurp("/proc/swaps", buf, sizeof(buf)) <= 0)
		return false;
	nl = strchr(buf, '\n');
	return nl && nl[1] != '\0';
}

/* The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled. */
static inline bool vmv_thp_never(void)
{
	char buf[256];

	if (vmv_slurp("/sys/kernel/mm/transparent_hugepage/enabled",
		      buf, sizeof(buf)) <= 0)
		return true;
	return strstr(buf, "[never]") != NULL;
}

static inline long vmv_read_long(const char *path)
{
	char buf[64];

	if (vmv_slurp(path, buf, sizeof(buf)) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/* Anonymous private mapping of @size aligned to @align, or NULL. */
static inline void *vmv_mmap_aligned(size_t size, size_t align, int prot)
{
	char *p, *a;

	p = mmap(NULL, size + align, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (a > p)
		munmap(p, a - p);
	if (p + size + align > a + size)
		munmap(a + size, p + size + align - (a + size));
	return a;
}

/* 4 KiB anonymous pages that THP leaves alone; NULL on failure. */
static inline char *vmv_mmap_small(size_t npages)
{
	char *p = mmap(NULL, npages * VMV_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, npages * VMV_PAGE, MADV_NOHUGEPAGE)) {
		munmap(p, npages * VMV_PAGE);
		return NULL;
	}
	return p;
}

/*
 * A temporary file of @npages pages in /tmp, page i filled with byte
 * (i + 1).  @path receives its name (which holds a space, to exercise
 * `file=` parsing).  Returns the fd or -errno.
 */
static inline int vmv_tempfile(char *path, size_t size, size_t npages)
{
	char page[VMV_PAGE];
	size_t i;
	int fd;

	snprintf(path, size, "/tmp/vmview test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	for (i = 0; i < npages; i++) {
		memset(page, (int)(i + 1), sizeof(page));
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page)) {
			close(fd);
			unlink(path);
			return -EIO;
		}
	}
	fsync(fd);
	return fd;
}

/* Force the read of one byte, so the compiler keeps the access. */
static inline void vmv_touch_read(const volatile char *p)
{
	(void)*p;
}

/* Write a byte to every page in [p, p + npages pages). */
static inline void vmv_touch_write(char *p, size_t npages)
{
	size_t i;

	for (i = 0; i < npages; i++)
		((volatile char *)p)[i * VMV_PAGE] = (char)(i + 1);
}

/* Set or read the default target: "none" or a pid. */
static inline int vmv_set_target(const char *val)
{
	int fd = vmv_open("target", O_WRONLY);
	int ret;

	if (fd < 0)
		return fd;
	ret = vmv_write(fd, val, strlen(val));
	close(fd);
	return ret;
}

static inline int vmv_get_target(char *out, size_t size)
{
	int fd = vmv_open("target", O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return fd;
	r = read(fd, out, size - 1);
	close(fd);
	if (r < 0)
		return -errno;
	out[r] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* Wait until @pid has exited but leave it a zombie (not reaped). */
static inline int vmv_wait_zombie(pid_t pid)
{
	siginfo_t si;

	return waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
}

/* Page out [p, p + len) until pagemap says all pages are swapped. */
static inline long vmv_pageout(char *p, size_t len, int tries)
{
	uint64_t ent;
	long swapped;
	size_t i;
	int fd = pagemap_open(0);

	if (fd < 0)
		return -1;
	do {
		madvise(p, len, MADV_PAGEOUT);
		swapped = 0;
		for (i = 0; i < len; i += VMV_PAGE)
			if (!pagemap_read(fd, (uintptr_t)p + i, &ent) &&
			    (ent & PM_SWAP))
				swapped++;
	} while (swapped < (long)(len / VMV_PAGE) && --tries > 0 &&
		 !usleep(20000));
	close(fd);
	return swapped;
}

#ifdef __KSELFTEST_HARNESS_H
/* Assert a helper that returns 0 (or a count) and logs vmv_err if not. */
#define ASSERT_VMV(expr) ASSERT_EQ(0, (expr)) TH_LOG("%s", vmv_err)
#define EXPECT_VMV(expr) EXPECT_EQ(0, (expr)) TH_LOG("%s", vmv_err)
#endif

#endif /* VMVIEW_TEST_H */
