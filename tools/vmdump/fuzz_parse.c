// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the vmdump line parsers (parse.c): every parser gets every input,
 * and the input as a whole binary `pages` output (format=bin): its header,
 * then every record, the way source.c walks them.
 *
 * With clang: a libFuzzer target (make fuzz; ./fuzz_parse CORPUS).
 * Without (-DVMDUMP_FUZZ_DRIVER): a small mutation driver under ASan:
 *   ./fuzz_parse SECONDS SEEDFILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What parse_bin_rec() promises of a record it accepts. */
static void check_leaf(const struct vmv_leaf *l)
{
	if (l->start >= l->end || (l->end - l->start) >> 12 != l->pages ||
	    l->level < VMV_L_PTE || l->level > VMV_L_PUD ||
	    l->type < 0 || l->type >= VMV_T_MAX ||
	    l->flags >= 1U << VMV_F_NFLAGS ||
	    !memchr(l->marker, 0, sizeof(l->marker)))
		abort();
}

/* The input as a format=bin output: header, records, a partial one. */
static void fuzz_bin(const uint8_t *data, size_t size)
{
	struct vmv_header h;
	struct vmv_leaf l;
	size_t pos;

	if (parse_bin_header(data, size, &h, NULL))
		return;
	if (h.hdr_size < 48 || h.rec_size < 48 || strcmp(h.file, "pages"))
		abort();
	for (pos = h.hdr_size; pos + h.rec_size <= size; pos += h.rec_size)
		if (!parse_bin_rec(data + pos, &l))
			check_leaf(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmv_header h;
	struct vmv_leaf l;
	struct vmv_vma v;
	struct vmv_tline t;
	struct vmv_lline ll;
	unsigned f;
	char *s;

	if (size > 1 << 16)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;	/* lines arrive NUL-terminated; embedded NULs end them */
	parse_header(s, &h);
	parse_leaf(s, &l);
	if (!parse_vma(s, &v) && v.path) {
		/* the path must lie inside the line */
		if (v.path < s || v.path + v.path_len > s + size)
			abort();
	}
	parse_tline(s, &t);
	if (t.kind == TL_BYTES && (t.nbytes < 0 || t.nbytes > 256))
		abort();
	parse_layout_line(s, &ll);
	parse_kernel_line(s, &ll);
	parse_flags(s, strlen(s), &f);
	free(s);
	fuzz_bin(data, size);
	if (size >= sizeof(struct vmv_bin_rec) && !parse_bin_rec(data, &l))
		check_leaf(&l);
	return 0;
}

#ifdef VMDUMP_FUZZ_DRIVER
static char *seeds[256];
static size_t seedlen[256];
static size_t nseeds;

static size_t mutate(char *buf, size_t n, size_t cap)
{
	static const char *const dict[] = {
		" ", "=", "-", "0x", "pages=", "pfn=0x", "file=", "swap=0:0x",
		"level=", "bytes=", "region ", "#", "ffffffffffffffff", "pte",
		"pmd", "PWUADNGTCHSFX", "-------------", "\t", "\xff",
		"VMVB", "\x30", "\x40",
	};
	int k = rand() % 6;
	size_t i = n ? (size_t)rand() % n : 0;

	switch (k) {
	case 0:				/* flip a byte */
		if (n)
			buf[i] = (char)rand();
		break;
	case 1:				/* delete a span */
		if (n) {
			size_t len = (size_t)rand() % (n - i + 1);

			memmove(buf + i, buf + i + len, n - i - len);
			n -= len;
		}
		break;
	case 2: {			/* insert a dictionary word */
		const char *w = dict[rand() % (sizeof(dict) / sizeof(dict[0]))];
		size_t len = strlen(w);

		if (n + len < cap) {
			memmove(buf + i + len, buf + i, n - i);
			memcpy(buf + i, w, len);
			n += len;
		}
		break;
	}
	case 3:				/* duplicate a span */
		if (n && n * 2 < cap) {
			memcpy(buf + n, buf + i, n - i);
			n += n - i;
		}
		break;
	case 4:				/* a digit */
		if (n)
			buf[i] = "0123456789abcdefx"[rand() % 17];
		break;
	default:			/* truncate */
		n = i;
		break;
	}
	return n;
}

int main(int argc, char **argv)
{
	static char buf[4096];
	double secs = argc > 1 ? atof(argv[1]) : 10;
	unsigned long iters = 0;
	time_t t0 = time(NULL);
	int i;

	srand((unsigned)t0);
	for (i = 2; i < argc && nseeds < 256; i++) {
		FILE *f = fopen(argv[i], "r");
		size_t n;

		if (!f)
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		seeds[nseeds] = malloc(n + 1);
		memcpy(seeds[nseeds], buf, n);
		seeds[nseeds][n] = 0;
		seedlen[nseeds++] = n;
	}
	if (!nseeds)
		seeds[nseeds++] = "";
	while (difftime(time(NULL), t0) < secs) {
		size_t k = (size_t)rand() % nseeds;
		size_t n = seedlen[k];
		int m = 1 + rand() % 8;

		memcpy(buf, seeds[k], n);
		while (m--)
			n = mutate(buf, n, sizeof(buf) - 1);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
		iters++;
	}
	printf("fuzz_parse: %lu inputs in %.0fs, no crash\n", iters, secs);
	return 0;
}
#endif
