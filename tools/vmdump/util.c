// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump: small helpers: sizes, flags, colour, JSON strings, argument
 * parsing and the in-memory VMA table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmdump.h"

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(EX_SYSTEM);
	}
	return q;
}

/* 4K, 2M, 1.5G, 12G, 128T: exact values without decimals. */
char *human(uint64_t bytes, char *buf, size_t n)
{
	static const char units[] = "BKMGTPE";
	int u = 0;
	uint64_t div = 1;

	while (u < 6 && bytes / div >= 1024) {
		div <<= 10;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%lluB", (unsigned long long)bytes);
	else if (bytes % div == 0)
		snprintf(buf, n, "%llu%c", (unsigned long long)(bytes / div), units[u]);
	else if (bytes / div < 10)
		snprintf(buf, n, "%.1f%c", (double)bytes / div, units[u]);
	else
		snprintf(buf, n, "%.0f%c", (double)bytes / div, units[u]);
	return buf;
}

static const char *const flag_long[VMV_F_NFLAGS] = {
	"present", "write", "user", "accessed", "dirty", "nx", "global",
	"pwt", "pcd", "pat", "soft_dirty", "uffd_wp", "special",
};

void flags_string(unsigned flags, char out[VMV_F_NFLAGS + 1])
{
	static const char letters[] = VMV_FLAG_LETTERS;
	int i;

	for (i = 0; i < VMV_F_NFLAGS; i++)
		out[i] = flags & (1U << i) ? letters[i] : '-';
	out[VMV_F_NFLAGS] = 0;
}

/* "present,write,user" */
const char *flag_names(unsigned flags, char *buf, size_t n)
{
	size_t len = 0;
	int i;

	if (n)
		buf[0] = 0;
	for (i = 0; i < VMV_F_NFLAGS; i++) {
		if (!(flags & (1U << i)))
			continue;
		len += snprintf(buf + len, len < n ? n - len : 0, "%s%s",
				len ? "," : "", flag_long[i]);
		if (len >= n)
			break;
	}
	if (!len)
		snprintf(buf, n, "none");
	return buf;
}

void json_flags(FILE *f, unsigned flags)
{
	int i, first = 1;

	fputc('[', f);
	for (i = 0; i < VMV_F_NFLAGS; i++) {
		if (!(flags & (1U << i)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", flag_long[i]);
		first = 0;
	}
	fputc(']', f);
}

/* Length of a valid UTF-8 sequence at s (max n bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string; invalid UTF-8 bytes become U+FFFD. */
void json_str(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	fputc('"', f);
	while (i < n) {
		unsigned char c = p[i];
		size_t l;

		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			i++;
		} else if ((l = utf8_len(p + i, n - i)) == 0) {
			fputs("\\ufffd", f);
			i++;
		} else {
			fwrite(p + i, 1, l, f);
			i += l;
		}
	}
	fputc('"', f);
}

/* Text for a terminal: control characters shown as '?'. */
void safe_print(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		fputc(c < 0x20 || c == 0x7f ? '?' : c, f);
	}
}

const char *col(const char *code)
{
	return opt.color ? code : "";
}

/* The first JSON line: what produced the stream. */
void json_begin(const char *command)
{
	printf("{\"vmdump_json\":%d,\"command\":\"%s\"", VMDUMP_JSON_VERSION, command);
	if (opt.pid >= 0)
		printf(",\"pid\":%ld", opt.pid);
	printf(",\"format\":%d}\n", VMVIEW_FORMAT_VERSION);
}

/* ---- arguments ---- */

int parse_pid_arg(const char *s, long *pid)
{
	uint64_t v;

	if (!s || parse_dec(s, strlen(s), &v) || v == 0 || v > 4194304) {
		fprintf(stderr, "%s: not a PID: \"%.40s\" (a decimal number, "
			"1..4194304)\n", prog, s ? s : "");
		return -1;
	}
	*pid = (long)v;
	return 0;
}

int parse_addr_arg(const char *s, uint64_t *v)
{
	size_t n = s ? strlen(s) : 0;

	if (!s || parse_num(s, n, v)) {
		const char *hint = "";

		if (s && n && strspn(s, "0123456789abcdefABCDEF") == n)
			hint = " (hex addresses need a 0x prefix)";
		fprintf(stderr, "%s: not an address: \"%.40s\"%s\n", prog,
			s ? s : "", hint);
		return -1;
	}
	return 0;
}

/* A size: a number with an optional K, M, G or T suffix (powers of 1024). */
static int parse_size(const char *s, uint64_t *v)
{
	size_t n = strlen(s);
	unsigned shift = 0;

	if (n > 1 && strchr("kKmMgGtT", s[n - 1])) {
		shift = (unsigned)(strchr("kmgt", s[n - 1] | 0x20) - "kmgt" + 1) * 10;
		n--;
	}
	if (parse_num(s, n, v))
		return -1;
	if (shift && (*v >> (64 - shift)))
		return -1;
	*v <<= shift;
	return 0;
}

/*
 * START-END (END exclusive) or START+SIZE or a single ADDR (its page);
 * rounded out to whole pages.
 */
int parse_range_arg(const char *s, uint64_t *start, uint64_t *end)
{
	const char *sep = s ? strpbrk(s, "-+") : NULL;
	uint64_t a, b;
	char first[64];
	size_t n;

	if (!s)
		goto bad;
	n = sep ? (size_t)(sep - s) : strlen(s);
	if (n == 0 || n >= sizeof(first))
		goto bad;
	memcpy(first, s, n);
	first[n] = 0;
	if (parse_num(first, n, &a))
		goto bad;
	if (!sep) {
		b = a + 1;
	} else {
		if (*sep == '+' ? parse_size(sep + 1, &b) :
		    parse_num(sep + 1, strlen(sep + 1), &b))
			goto bad;
		if (*sep == '+') {
			if (b == 0 || a + b < a)
				goto bad;
			b = a + b;
		}
	}
	if (a >= b)
		goto bad;
	*start = a & ~(VMV_PAGE_SIZE - 1);
	if (b > UINT64_MAX - (VMV_PAGE_SIZE - 1))
		goto bad;
	*end = (b + VMV_PAGE_SIZE - 1) & ~(VMV_PAGE_SIZE - 1);
	return 0;
bad:
	fprintf(stderr, "%s: not a range: \"%.60s\" (START-END with END "
		"exclusive, START+SIZE or ADDR; 0x for hex, e.g. "
		"0x7f0000000000-0x7f0000200000)\n", prog, s ? s : "");
	return -1;
}

char *proc_comm(long pid, char *buf, size_t n)
{
	char path[64];
	FILE *f;

	snprintf(buf, n, "?");
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return buf;
	if (fgets(buf, (int)n, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
	return buf;
}

/* ---- the VMA table ---- */

int vma_load(struct vma_table *t, long pid)
{
	struct vsrc s;
	const char *line;
	int r;

	memset(t, 0, sizeof(*t));
	r = vsrc_open(&s, "vmas", pid);
	if (r)
		return r;
	r = vsrc_request(&s, "pid=%ld", pid);
	if (r)
		goto out;
	while ((r = vsrc_next(&s, &line)) > 0) {
		struct vmv_vma v;
		struct vma_ent *e;

		if (parse_vma(line, &v)) {
			fprintf(stderr, "%s: vmas: unparseable line skipped: "
				"\"%.100s\"\n", prog, line);
			continue;
		}
		if (t->n && v.start < t->v[t->n - 1].end) {
			fprintf(stderr, "%s: vmas: out of order or overlapping "
				"VMA skipped: \"%.100s\"\n", prog, line);
			continue;
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
		}
		e = &t->v[t->n++];
		e->start = v.start;
		e->end = v.end;
		memcpy(e->perms, v.perms, sizeof(e->perms));
		memcpy(e->kind, v.kind, sizeof(e->kind));
		e->vsize = v.vsize;
		e->rss = v.rss;
		e->dirty = v.dirty;
		e->swap = v.swap;
		e->huge = v.huge;
		e->off = v.off;
		e->has_off = v.has_off;
		e->path = NULL;
		if (v.path) {
			e->path = xrealloc(NULL, v.path_len + 1);
			memcpy(e->path, v.path, v.path_len);
			e->path[v.path_len] = 0;
		}
	}
	r = r < 0 ? -r : 0;
out:
	vsrc_close(&s);
	if (r)
		vma_free(t);
	return r;
}

void vma_free(struct vma_table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].path);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct vma_ent *vma_find(const struct vma_table *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < t->v[mid].start)
			hi = mid;
		else if (addr >= t->v[mid].end)
			lo = mid + 1;
		else
			return &t->v[mid];
	}
	return NULL;
}

/* The path, or [heap], [stack], [anon]... */
const char *vma_label(const struct vma_ent *v, char *buf, size_t n)
{
	if (v->path)
		return v->path;
	snprintf(buf, n, "[%s]", v->kind);
	return buf;
}
