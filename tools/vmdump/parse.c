// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump: parsers for every line kind of docs/interface.md.
 *
 * Each parser takes one NUL-terminated line (without its newline), fills a
 * struct and returns 0, or returns -1 and leaves the struct in an
 * unspecified state.  They never write outside their struct, never read past
 * the NUL and never allocate: they are fuzzed (fuzz_parse.c).  Unknown
 * KEY=VALUE tokens are ignored, as the interface requires.
 *
 * The binary form of `pages` (format=bin) has its own two: the header and
 * a record, each read field by field as little-endian bytes (no struct
 * overlay: no alignment or endianness assumptions), into the same structs
 * as the text version line and a text `pages` line.
 */
#include <stddef.h>
#include <string.h>

#include "vmdump.h"

struct tok {
	const char *p;
	size_t n;
};

/* Next space-separated token; false at the end of the line. */
static bool next_tok(const char **cur, struct tok *t)
{
	const char *s = *cur;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*cur = s;
		return false;
	}
	t->p = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	t->n = (size_t)(s - t->p);
	*cur = s;
	return true;
}

static bool tok_is(const struct tok *t, const char *w)
{
	size_t n = strlen(w);

	return t->n == n && !memcmp(t->p, w, n);
}

/* KEY=VALUE: true if the token's key is `key`; *val gets the value. */
static bool tok_kv(const struct tok *t, const char *key, struct tok *val)
{
	size_t n = strlen(key);

	if (t->n <= n || memcmp(t->p, key, n) || t->p[n] != '=')
		return false;
	val->p = t->p + n + 1;
	val->n = t->n - n - 1;
	return true;
}

int parse_hex(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -1;
	if (n - 2 > 16)
		return -1;
	for (i = 2; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		x = (x << 4) | d;
	}
	*v = x;
	return 0;
}

int parse_dec(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = s[i] - '0';
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int parse_num(const char *s, size_t n, uint64_t *v)
{
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex(s, n, v);
	return parse_dec(s, n, v);
}

static int tok_hex(const struct tok *t, uint64_t *v)
{
	return parse_hex(t->p, t->n, v);
}

static int tok_dec(const struct tok *t, uint64_t *v)
{
	return parse_dec(t->p, t->n, v);
}

static int tok_long(const struct tok *t, long *v)
{
	uint64_t x;

	if (tok_dec(t, &x) || x > (uint64_t)0x7fffffff)
		return -1;
	*v = (long)x;
	return 0;
}

/* START-END, hex, START < END. */
static int tok_range(const struct tok *t, uint64_t *start, uint64_t *end)
{
	const char *dash = memchr(t->p, '-', t->n);

	if (!dash)
		return -1;
	if (parse_hex(t->p, (size_t)(dash - t->p), start) ||
	    parse_hex(dash + 1, t->n - (size_t)(dash - t->p) - 1, end))
		return -1;
	return *start < *end ? 0 : -1;
}

/* Copy a token into a fixed buffer; fails if it does not fit. */
static int tok_copy(const struct tok *t, char *buf, size_t size)
{
	if (t->n >= size)
		return -1;
	memcpy(buf, t->p, t->n);
	buf[t->n] = 0;
	return 0;
}

static const char *const level_names[] = {
	[VMV_L_PTE] = "pte", [VMV_L_PMD] = "pmd", [VMV_L_PUD] = "pud",
	[VMV_L_P4D] = "p4d", [VMV_L_PGD] = "pgd",
};

int level_from_name(const char *s, size_t n)
{
	int i;

	for (i = VMV_L_PTE; i <= VMV_L_PGD; i++)
		if (strlen(level_names[i]) == n && !memcmp(s, level_names[i], n))
			return i;
	return 0;
}

const char *level_name(int level)
{
	if (level >= VMV_L_PTE && level <= VMV_L_PGD)
		return level_names[level];
	return "?";
}

uint64_t level_pages(int level)
{
	switch (level) {
	case VMV_L_PMD: return 512;
	case VMV_L_PUD: return 512 * 512;
	default: return 1;
	}
}

static const char *const type_names[] = {
	[VMV_T_PAGE] = "page", [VMV_T_ZERO] = "zero",
	[VMV_T_PFNMAP] = "pfnmap", [VMV_T_SWAP] = "swap",
	[VMV_T_MIGRATION] = "migration", [VMV_T_DEVPRIV] = "devpriv",
	[VMV_T_DEVEXCL] = "devexcl", [VMV_T_MARKER] = "marker",
	[VMV_T_HWPOISON] = "hwpoison",
};

int type_from_name(const char *s, size_t n)
{
	int i;

	for (i = VMV_T_PAGE; i < VMV_T_MAX; i++)
		if (strlen(type_names[i]) == n && !memcmp(s, type_names[i], n))
			return i;
	return 0;
}

const char *type_name(int type)
{
	if (type >= VMV_T_PAGE && type < VMV_T_MAX)
		return type_names[type];
	return "unknown";
}

/*
 * 13 (VMV_F_NFLAGS) positions, each its letter or '-'.  Longer strings are
 * accepted (a later version may add flags) if the extra positions look like
 * flags too.
 */
int parse_flags(const char *s, size_t n, unsigned *flags)
{
	static const char letters[] = VMV_FLAG_LETTERS;
	unsigned f = 0;
	size_t i;

	if (n < VMV_F_NFLAGS || n > 32)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (i < VMV_F_NFLAGS) {
			if (c == letters[i])
				f |= 1U << i;
			else if (c != '-')
				return -1;
		} else if (!((c >= 'A' && c <= 'Z') || c == '-')) {
			return -1;
		}
	}
	*flags = f;
	return 0;
}

static int tok_flags(const struct tok *t, unsigned *flags)
{
	return parse_flags(t->p, t->n, flags);
}

/* swap=TYPE:0xOFFSET */
static int tok_swap(const struct tok *t, unsigned *type, uint64_t *off)
{
	const char *colon = memchr(t->p, ':', t->n);
	uint64_t ty;

	if (!colon)
		return -1;
	if (parse_dec(t->p, (size_t)(colon - t->p), &ty) || ty > 0xffff)
		return -1;
	if (parse_hex(colon + 1, t->n - (size_t)(colon - t->p) - 1, off))
		return -1;
	*type = (unsigned)ty;
	return 0;
}

static int tok_src(const struct tok *t, int *src)
{
	if (tok_is(t, "anon"))
		*src = SRC_ANON;
	else if (tok_is(t, "file"))
		*src = SRC_FILE;
	else
		return -1;
	return 0;
}

/* # vmview FILE VERSION KEY=VALUE... */
int parse_header(const char *line, struct vmv_header *h)
{
	const char *cur = line;
	struct tok t, v;
	uint64_t x;

	memset(h, 0, sizeof(*h));
	h->pid = -1;
	h->pti = -1;
	if (!next_tok(&cur, &t) || !tok_is(&t, "#"))
		return -1;
	if (!next_tok(&cur, &t) || !tok_is(&t, "vmview"))
		return -1;
	if (!next_tok(&cur, &t) || tok_copy(&t, h->file, sizeof(h->file)))
		return -1;
	if (!next_tok(&cur, &t) || tok_dec(&t, &x) || x == 0 || x > 1000000)
		return -1;
	h->version = (int)x;
	while (next_tok(&cur, &t)) {
		if (tok_kv(&t, "pid", &v)) {
			if (tok_long(&v, &h->pid))
				return -1;
		} else if (tok_kv(&t, "levels", &v)) {
			if (tok_is(&v, "4"))
				h->levels = 4;
			else if (tok_is(&v, "5"))
				h->levels = 5;
			else
				return -1;
		} else if (tok_kv(&t, "pti", &v)) {
			if (tok_is(&v, "on"))
				h->pti = 1;
			else if (tok_is(&v, "off"))
				h->pti = 0;
			else
				return -1;
		} else if (tok_kv(&t, "start", &v)) {
			if (tok_hex(&v, &h->start))
				return -1;
		} else if (tok_kv(&t, "end", &v)) {
			if (tok_hex(&v, &h->end))
				return -1;
		} else if (tok_kv(&t, "addr", &v)) {
			if (tok_hex(&v, &h->addr))
				return -1;
		} else if (tok_kv(&t, "mode", &v)) {
			if (tok_copy(&v, h->mode, sizeof(h->mode)))
				return -1;
		}
	}
	return 0;
}

/*
 * RANGE LEVEL TYPE FLAGS pages=N [pfn=0xPFN] [swap=TYPE:0xOFFSET]
 * [src=anon|file] [off=0xBYTES] [map=N] [excl=1] [marker=KIND] [write=1]
 */
int parse_leaf(const char *line, struct vmv_leaf *l)
{
	const char *cur = line;
	struct tok t, v;
	bool got_pages = false;

	memset(l, 0, sizeof(*l));
	if (!next_tok(&cur, &t) || tok_range(&t, &l->start, &l->end))
		return -1;
	if (!next_tok(&cur, &t) || !(l->level = level_from_name(t.p, t.n)))
		return -1;
	if (l->level > VMV_L_PUD)
		return -1;
	/* An unknown type name is kept as type 0 ("unknown"), not an error. */
	if (!next_tok(&cur, &t))
		return -1;
	l->type = type_from_name(t.p, t.n);
	if (!next_tok(&cur, &t) || tok_flags(&t, &l->flags))
		return -1;
	while (next_tok(&cur, &t)) {
		if (tok_kv(&t, "pages", &v)) {
			if (tok_dec(&v, &l->pages) || !l->pages)
				return -1;
			got_pages = true;
		} else if (tok_kv(&t, "pfn", &v)) {
			if (tok_hex(&v, &l->pfn))
				return -1;
			l->has |= HAS_PFN;
		} else if (tok_kv(&t, "swap", &v)) {
			if (tok_swap(&v, &l->swap_type, &l->swap_off))
				return -1;
			l->has |= HAS_SWAP;
		} else if (tok_kv(&t, "src", &v)) {
			if (tok_src(&v, &l->src))
				return -1;
		} else if (tok_kv(&t, "off", &v)) {
			if (tok_hex(&v, &l->off))
				return -1;
			l->has |= HAS_OFF;
		} else if (tok_kv(&t, "map", &v)) {
			if (tok_long(&v, &l->map))
				return -1;
			l->has |= HAS_MAP;
		} else if (tok_kv(&t, "excl", &v)) {
			if (!tok_is(&v, "1"))
				return -1;
			l->has |= HAS_EXCL;
		} else if (tok_kv(&t, "marker", &v)) {
			if (tok_copy(&v, l->marker, sizeof(l->marker)))
				return -1;
			l->has |= HAS_MARKER;
		} else if (tok_kv(&t, "write", &v)) {
			if (!tok_is(&v, "1"))
				return -1;
			l->has |= HAS_WRITE;
		}
	}
	return got_pages ? 0 : -1;
}

/*
 * RANGE PERMS KIND vsize=N rss=N dirty=N swap=N huge=N [off=0xBYTES file=PATH]
 * file= is last and runs to the end of the line.
 */
int parse_vma(const char *line, struct vmv_vma *v)
{
	const char *cur = line;
	struct tok t, val;
	unsigned got = 0;
	int i;

	memset(v, 0, sizeof(*v));
	if (!next_tok(&cur, &t) || tok_range(&t, &v->start, &v->end))
		return -1;
	if (!next_tok(&cur, &t) || t.n != 4)
		return -1;
	for (i = 0; i < 4; i++) {
		static const char allowed[4][2] = {
			{ 'r', '-' }, { 'w', '-' }, { 'x', '-' }, { 'p', 's' } };

		if (t.p[i] != allowed[i][0] && t.p[i] != allowed[i][1])
			return -1;
	}
	memcpy(v->perms, t.p, 4);
	v->perms[4] = 0;
	if (!next_tok(&cur, &t) || tok_copy(&t, v->kind, sizeof(v->kind)))
		return -1;
	for (i = 0; v->kind[i]; i++)
		if (!((v->kind[i] >= 'a' && v->kind[i] <= 'z') || v->kind[i] == '_'))
			return -1;
	for (;;) {
		const char *before = cur;

		if (!next_tok(&cur, &t))
			break;
		if (tok_kv(&t, "file", &val)) {
			/* The rest of the line, from just after "file=". */
			const char *p = before;

			while (*p == ' ' || *p == '\t')
				p++;
			v->path = p + 5;
			v->path_len = strlen(v->path);
			if (!v->path_len || v->path_len > VMV_PATH_MAX)
				return -1;
			break;
		}
		if (tok_kv(&t, "vsize", &val)) {
			if (tok_dec(&val, &v->vsize))
				return -1;
			got |= 1;
		} else if (tok_kv(&t, "rss", &val)) {
			if (tok_dec(&val, &v->rss))
				return -1;
			got |= 2;
		} else if (tok_kv(&t, "dirty", &val)) {
			if (tok_dec(&val, &v->dirty))
				return -1;
			got |= 4;
		} else if (tok_kv(&t, "swap", &val)) {
			if (tok_dec(&val, &v->swap))
				return -1;
			got |= 8;
		} else if (tok_kv(&t, "huge", &val)) {
			if (tok_dec(&val, &v->huge))
				return -1;
			got |= 16;
		} else if (tok_kv(&t, "off", &val)) {
			if (tok_hex(&val, &v->off))
				return -1;
			v->has_off = true;
		}
	}
	return got == 31 ? 0 : -1;
}

/* The translate lines: head, level=, result, bytes=. */
int parse_tline(const char *line, struct vmv_tline *tl)
{
	const char *cur = line;
	struct tok t, v;
	uint64_t x;

	memset(tl, 0, sizeof(*tl));
	if (!next_tok(&cur, &t))
		return -1;
	if (tok_kv(&t, "va", &v)) {
		unsigned got = 0;

		tl->kind = TL_HEAD;
		if (tok_hex(&v, &tl->va))
			return -1;
		while (next_tok(&cur, &t)) {
			if (tok_kv(&t, "vpn", &v)) {
				if (tok_hex(&v, &tl->vpn))
					return -1;
				got |= 1;
			} else if (tok_kv(&t, "offset", &v)) {
				if (tok_hex(&v, &tl->offset))
					return -1;
				got |= 2;
			} else if (tok_kv(&t, "pgd_phys", &v)) {
				if (tok_hex(&v, &tl->pgd_phys))
					return -1;
				got |= 4;
			}
		}
		return got == 7 ? 0 : -1;
	}
	if (tok_kv(&t, "level", &v)) {
		unsigned got = 0;

		tl->kind = TL_LEVEL;
		if (!(tl->level = level_from_name(v.p, v.n)))
			return -1;
		while (next_tok(&cur, &t)) {
			if (tok_kv(&t, "folded", &v)) {
				if (!tok_is(&v, "1"))
					return -1;
				tl->folded = true;
			} else if (tok_kv(&t, "index", &v)) {
				if (tok_dec(&v, &x) || x > 511)
					return -1;
				tl->index = (unsigned)x;
				got |= 1;
			} else if (tok_kv(&t, "entry", &v)) {
				if (tok_hex(&v, &tl->entry))
					return -1;
				got |= 2;
			} else if (tok_kv(&t, "flags", &v)) {
				if (tok_flags(&v, &tl->flags))
					return -1;
				got |= 4;
			} else if (tok_kv(&t, "user", &v)) {
				if (tok_hex(&v, &tl->user_entry))
					return -1;
				tl->has_user = true;
			}
		}
		return tl->folded || got == 7 ? 0 : -1;
	}
	if (tok_is(&t, "result")) {
		bool got_stop = false;

		tl->kind = TL_RESULT;
		while (next_tok(&cur, &t)) {
			if (tok_kv(&t, "stop", &v)) {
				if (tok_copy(&v, tl->stop, sizeof(tl->stop)))
					return -1;
				got_stop = true;
			} else if (tok_kv(&t, "level", &v)) {
				if (!(tl->level = level_from_name(v.p, v.n)))
					return -1;
			} else if (tok_kv(&t, "type", &v)) {
				tl->type = type_from_name(v.p, v.n);
				tl->has |= HAS_TYPE;
			} else if (tok_kv(&t, "flags", &v)) {
				if (tok_flags(&v, &tl->flags))
					return -1;
				tl->has |= HAS_FLAGS;
			} else if (tok_kv(&t, "pfn", &v)) {
				if (tok_hex(&v, &tl->pfn))
					return -1;
				tl->has |= HAS_PFN;
			} else if (tok_kv(&t, "phys", &v)) {
				if (tok_hex(&v, &tl->phys))
					return -1;
				tl->has |= HAS_PHYS;
			} else if (tok_kv(&t, "directmap", &v)) {
				if (tok_hex(&v, &tl->directmap))
					return -1;
				tl->has |= HAS_DIRECTMAP;
			} else if (tok_kv(&t, "src", &v)) {
				if (tok_src(&v, &tl->src))
					return -1;
			} else if (tok_kv(&t, "map", &v)) {
				if (tok_long(&v, &tl->map))
					return -1;
				tl->has |= HAS_MAP;
			} else if (tok_kv(&t, "swap", &v)) {
				if (tok_swap(&v, &tl->swap_type, &tl->swap_off))
					return -1;
				tl->has |= HAS_SWAP;
			}
		}
		return got_stop ? 0 : -1;
	}
	if (tok_kv(&t, "bytes", &v)) {
		int i = 0;

		tl->kind = TL_BYTES;
		if (tok_dec(&v, &x) || x > sizeof(tl->bytes))
			return -1;
		tl->nbytes = (int)x;
		while (next_tok(&cur, &t)) {
			uint64_t b;

			if (tok_kv(&t, "unreadable", &v)) {
				tl->unreadable = tok_is(&v, "1");
				continue;
			}
			if (memchr(t.p, '=', t.n))
				continue;		/* a later KEY=VALUE */
			if (i >= tl->nbytes || t.n != 2)
				return -1;
			/* reuse the hex parser: "0x" + two digits */
			{
				char hx[4] = { '0', 'x', t.p[0], t.p[1] };

				if (parse_hex(hx, 4, &b))
					return -1;
			}
			tl->bytes[i++] = (uint8_t)b;
		}
		return i == tl->nbytes ? 0 : -1;
	}
	return -1;
}

/* region NAME 0xSTART 0xEND */
static int parse_region(const char **cur, struct vmv_lline *l)
{
	struct tok t;

	l->kind = LL_REGION;
	if (!next_tok(cur, &t) || tok_copy(&t, l->name, sizeof(l->name)))
		return -1;
	if (!next_tok(cur, &t) || tok_hex(&t, &l->start))
		return -1;
	if (!next_tok(cur, &t) || tok_hex(&t, &l->end))
		return -1;
	/* the last region may end at the top of the address space (0 = 2^64) */
	return l->start < l->end || l->end == 0 ? 0 : -1;
}

int parse_layout_line(const char *line, struct vmv_lline *l)
{
	const char *cur = line;
	struct tok t, v;

	memset(l, 0, sizeof(*l));
	if (!next_tok(&cur, &t))
		return -1;
	if (tok_is(&t, "region"))
		return parse_region(&cur, l);
	if (tok_is(&t, "target")) {
		bool got_pid = false, got_pgd = false, gone = false;

		l->kind = LL_TARGET;
		while (next_tok(&cur, &t)) {
			if (tok_kv(&t, "pid", &v)) {
				if (tok_long(&v, &l->pid))
					return -1;
				got_pid = true;
			} else if (tok_kv(&t, "pgd_phys", &v)) {
				if (tok_hex(&v, &l->pgd_phys))
					return -1;
				got_pgd = true;
			} else if (tok_kv(&t, "user_pgd_phys", &v)) {
				if (tok_hex(&v, &l->user_pgd_phys))
					return -1;
				l->has_user_pgd = true;
			} else if (tok_kv(&t, "state", &v)) {
				gone = tok_is(&v, "gone");
			}
		}
		l->gone = gone;
		return got_pid && (got_pgd || gone) ? 0 : -1;
	}
	/* NAME 0xVALUE */
	l->kind = LL_VALUE;
	if (tok_copy(&t, l->name, sizeof(l->name)))
		return -1;
	if (!next_tok(&cur, &v) || tok_hex(&v, &l->value))
		return -1;
	return 0;
}

/* region NAME 0xSTART 0xEND | RANGE LEVEL FLAGS pages=N */
int parse_kernel_line(const char *line, struct vmv_lline *l)
{
	const char *cur = line;
	struct tok t, v;
	bool got_pages = false;

	memset(l, 0, sizeof(*l));
	if (!next_tok(&cur, &t))
		return -1;
	if (tok_is(&t, "region"))
		return parse_region(&cur, l);
	l->kind = LL_LEAF;
	/* a kernel range may end at 2^64, printed as 0x0 */
	{
		const char *dash = memchr(t.p, '-', t.n);

		if (!dash || parse_hex(t.p, (size_t)(dash - t.p), &l->start) ||
		    parse_hex(dash + 1, t.n - (size_t)(dash - t.p) - 1, &l->end))
			return -1;
		if (!(l->start < l->end || l->end == 0))
			return -1;
	}
	if (!next_tok(&cur, &t) || !(l->level = level_from_name(t.p, t.n)))
		return -1;
	if (!next_tok(&cur, &t) || tok_flags(&t, &l->flags))
		return -1;
	while (next_tok(&cur, &t)) {
		if (tok_kv(&t, "pages", &v)) {
			if (tok_dec(&v, &l->pages) || !l->pages)
				return -1;
			got_pages = true;
		}
	}
	return got_pages ? 0 : -1;
}

/* ---- the binary form of pages (format=bin) ---- */

/* n bytes at p, little-endian. */
static uint64_t get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* A field of a binary struct at p, by its offset and size in vmview.h. */
#define BIN_GET(p, type, field)						\
	get_le((const uint8_t *)(p) + offsetof(type, field),		\
	       sizeof(((type *)0)->field))

#define BIN_HDR(p, field)	BIN_GET(p, struct vmv_bin_header, field)
#define BIN_REC(p, field)	BIN_GET(p, struct vmv_bin_rec, field)

/* Check the fields a reader must check; *why says what is wrong. */
static int bin_header_check(const void *p, const char **why)
{
	int32_t pid = (int32_t)(uint32_t)BIN_HDR(p, pid);
	uint64_t levels = BIN_HDR(p, levels);

	if (BIN_HDR(p, magic) != VMV_BIN_MAGIC)
		*why = "wrong magic (not format=bin output)";
	else if (BIN_HDR(p, version) == 0)
		*why = "version 0";
	else if (BIN_HDR(p, hdr_size) < sizeof(struct vmv_bin_header))
		*why = "header size smaller than struct vmv_bin_header";
	else if (BIN_HDR(p, rec_size) < sizeof(struct vmv_bin_rec))
		*why = "record size smaller than struct vmv_bin_rec";
	else if (levels != 4 && levels != 5)
		*why = "levels neither 4 nor 5";
	else if (pid < 0)
		*why = "negative pid";
	else
		return 0;
	return -1;
}

/*
 * struct vmv_bin_header: n bytes at p (only its first
 * sizeof(struct vmv_bin_header) are read).  Fills what the text version
 * line would say, plus hdr_size and rec_size; on failure *why (if why is
 * not NULL) says what is wrong.
 */
int parse_bin_header(const void *p, size_t n, struct vmv_header *h,
		     const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	memset(h, 0, sizeof(*h));
	h->pid = -1;
	h->pti = -1;
	if (n < sizeof(struct vmv_bin_header)) {
		*why = "truncated header";
		return -1;
	}
	if (bin_header_check(p, why))
		return -1;
	strcpy(h->file, "pages");
	h->version = (int)BIN_HDR(p, version);
	h->pid = (long)BIN_HDR(p, pid);
	h->levels = (int)BIN_HDR(p, levels);
	h->start = BIN_HDR(p, start);
	h->end = BIN_HDR(p, end);
	strcpy(h->mode, BIN_HDR(p, per_page) ? "pages" : "runs");
	h->hdr_size = (unsigned)BIN_HDR(p, hdr_size);
	h->rec_size = (unsigned)BIN_HDR(p, rec_size);
	return 0;
}

static const char *marker_name(unsigned marker)
{
	switch (marker) {
	case VMV_MARKER_NONE: return "other";
	case VMV_MARKER_UFFD_WP: return "uffd-wp";
	case VMV_MARKER_POISON: return "poison";
	default: return "unknown";
	}
}

/* The KEY=VALUE fields a text line would carry (vmv_leaf_print_tail()). */
static void bin_rec_tail(const void *p, unsigned type, struct vmv_leaf *l)
{
	int32_t map = (int32_t)(uint32_t)BIN_REC(p, mapcount);
	unsigned bits = (unsigned)BIN_REC(p, bits);

	if (type != VMV_T_SWAP && type != VMV_T_MARKER) {
		l->pfn = BIN_REC(p, pfn);
		l->has |= HAS_PFN;
	} else if (type == VMV_T_SWAP) {
		l->swap_type = (unsigned)BIN_REC(p, swap_type);
		l->swap_off = BIN_REC(p, pfn);
		l->has |= HAS_SWAP;
	}
	if (BIN_REC(p, src) == VMV_SRC_ANON) {
		l->src = SRC_ANON;
	} else if (BIN_REC(p, src) == VMV_SRC_FILE) {
		l->src = SRC_FILE;
		l->off = BIN_REC(p, off);
		l->has |= HAS_OFF;
	}
	if (map >= 0) {
		l->map = map;
		l->has |= HAS_MAP;
	}
	if (bits & VMV_B_EXCL)
		l->has |= HAS_EXCL;
	if (type == VMV_T_MARKER) {
		strcpy(l->marker, marker_name((unsigned)BIN_REC(p, marker)));
		l->has |= HAS_MARKER;
	}
	if (bits & VMV_B_WRITE)
		l->has |= HAS_WRITE;
}

/*
 * One struct vmv_bin_rec at p (sizeof(struct vmv_bin_rec) bytes are read),
 * into the struct parse_leaf() fills from the same record's text line.
 */
int parse_bin_rec(const void *p, struct vmv_leaf *l)
{
	unsigned type = (unsigned)BIN_REC(p, type);

	memset(l, 0, sizeof(*l));
	l->start = BIN_REC(p, start);
	l->pages = BIN_REC(p, pages);
	l->level = (int)BIN_REC(p, level);
	if (!l->pages || l->pages > (UINT64_MAX - l->start) >> VMV_PAGE_SHIFT)
		return -1;
	l->end = l->start + (l->pages << VMV_PAGE_SHIFT);
	if (l->level < VMV_L_PTE || l->level > VMV_L_PUD)
		return -1;
	/* An unknown type is kept as type 0 ("unknown"), as in text. */
	l->type = type >= VMV_T_PAGE && type < VMV_T_MAX ? (int)type : 0;
	l->flags = (unsigned)BIN_REC(p, flags) & ((1U << VMV_F_NFLAGS) - 1);
	bin_rec_tail(p, type, l);
	return 0;
}
