// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump parser unit tests: the sample lines of docs/interface.md, lines
 * the module really printed, and edge cases.  Host only: `make test`.
 */
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>

#include "vmdump.h"

struct opts opt = { .pid = -1 };
const char *prog = "test_parse";

static int fails, runs;

#define T(cond) do {							\
	runs++;								\
	if (!(cond)) {							\
		fails++;						\
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

static void test_numbers(void)
{
	uint64_t v;

	T(!parse_hex("0x0", 3, &v) && v == 0);
	T(!parse_hex("0xffffffffffffffff", 18, &v) && v == UINT64_MAX);
	T(parse_hex("0x1ffffffffffffffff", 19, &v));	/* 17 digits */
	T(parse_hex("0x", 2, &v));
	T(parse_hex("12", 2, &v));
	T(parse_hex("0xg", 3, &v));
	T(!parse_dec("18446744073709551615", 20, &v) && v == UINT64_MAX);
	T(parse_dec("18446744073709551616", 20, &v));
	T(parse_dec("", 0, &v));
	T(parse_dec("-1", 2, &v));
	T(!parse_num("0x10", 4, &v) && v == 16);
	T(!parse_num("10", 2, &v) && v == 10);
}

static void test_header(void)
{
	struct vmv_header h;

	T(!parse_header("# vmview pages 1 pid=1234 start=0x0 end=0x7ffffffff000 mode=runs levels=4", &h));
	T(!strcmp(h.file, "pages") && h.version == 1 && h.pid == 1234 &&
	  h.levels == 4 && h.end == 0x7ffffffff000ULL && !strcmp(h.mode, "runs"));
	T(!parse_header("# vmview translate 1 pid=1 addr=0x1000 levels=5 pti=on", &h));
	T(h.levels == 5 && h.pti == 1 && h.addr == 0x1000);
	T(!parse_header("# vmview kernel 1 levels=4 future=thing", &h));
	T(!parse_header("# vmview layout 2", &h) && h.version == 2);
	T(parse_header("# vmview pages", &h));
	T(parse_header("# vmview pages x", &h));
	T(parse_header("# vmvie pages 1", &h));
	T(parse_header("# vmview pages 1 levels=6", &h));
	T(parse_header("# vmview averyveryverylongfilename 1", &h));
	T(parse_header("", &h));
}

static void test_flags(void)
{
	unsigned f;

	T(!parse_flags("PWUADNGTCHSFX", 13, &f) && f == (1U << 13) - 1);
	T(!parse_flags("-------------", 13, &f) && f == 0);
	T(!parse_flags("P-U----------", 13, &f) && f == (VMV_F_PRESENT | VMV_F_USER));
	T(parse_flags("WPUADNGTCHSFX", 13, &f));	/* wrong position */
	T(parse_flags("PWUADNGTCHSF", 12, &f));		/* short */
	T(!parse_flags("PWUADNGTCHSFX-Q", 15, &f));	/* a later version */
	T(parse_flags("PWUADNGTCHSFX1", 14, &f));
}

static void test_leaf(void)
{
	struct vmv_leaf l;

	T(!parse_leaf("0x0000000000400000-0x0000000000401000 pte page P-UA-N------- pages=1 pfn=0x3fa58 src=file off=0x0 map=4", &l));
	T(l.start == 0x400000 && l.end == 0x401000 && l.level == VMV_L_PTE &&
	  l.type == VMV_T_PAGE && l.pages == 1 && l.pfn == 0x3fa58 &&
	  l.src == SRC_FILE && (l.has & HAS_OFF) && l.off == 0 && l.map == 4 &&
	  l.flags == (VMV_F_PRESENT | VMV_F_USER | VMV_F_ACCESSED | VMV_F_NX));
	T(!parse_leaf("0x7f0000000000-0x7f0000010000 pte swap ----------S-- pages=16 swap=0:0x4000", &l));
	T(l.type == VMV_T_SWAP && l.swap_type == 0 && l.swap_off == 0x4000 &&
	  !(l.has & HAS_PFN) && l.flags == VMV_F_SOFT_DIRTY);
	T(!parse_leaf("0x7f8672c00000-0x7f8672e00000 pmd page PWUADN----S-- pages=512 pfn=0x5400 src=anon map=1 excl=1", &l));
	T(l.level == VMV_L_PMD && (l.has & HAS_EXCL) && l.src == SRC_ANON);
	T(!parse_leaf("0x1000-0x2000 pte marker ----------SF- pages=1 marker=uffd-wp", &l));
	T(l.type == VMV_T_MARKER && !strcmp(l.marker, "uffd-wp"));
	T(!parse_leaf("0x1000-0x2000 pte migration ------------- pages=1 pfn=0x10 write=1", &l));
	T(l.type == VMV_T_MIGRATION && (l.has & HAS_WRITE));
	T(!parse_leaf("0x1000-0x2000 pte newtype ------------- pages=1 newkey=5", &l));
	T(l.type == 0);					/* unknown: kept */
	T(parse_leaf("0x1000-0x2000 pte page P------------", &l));	/* no pages= */
	T(parse_leaf("0x2000-0x1000 pte page P------------ pages=1", &l));
	T(parse_leaf("0x1000-0x1000 pte page P------------ pages=1", &l));
	T(parse_leaf("0x1000 pte page P------------ pages=1", &l));
	T(parse_leaf("0x1000-0x2000 pgd page P------------ pages=1", &l));
	T(parse_leaf("0x1000-0x2000 pte page P------------ pages=0", &l));
	T(parse_leaf("0x1000-0x2000 pte page P------------ pages=1 pfn=12", &l));
	T(parse_leaf("0x1000-0x2000 pte swap ------------- pages=1 swap=0x1:0x2", &l));
	T(parse_leaf("0x1000-0x2000 pte swap ------------- pages=1 swap=1", &l));
	T(parse_leaf("0x1000-0x2000 pte page P------------ pages=1 src=both", &l));
	T(parse_leaf("0x1000-0x2000 pte page P------------ pages=1 marker=waytoolongmarkername", &l));
	T(parse_leaf("", &l));
	T(parse_leaf("-", &l));
}

/* ---- binary pages (the host is little-endian, as the format) ---- */

static void bin_hdr(struct vmv_bin_header *h, unsigned rec_size)
{
	memset(h, 0, sizeof(*h));
	h->magic = VMV_BIN_MAGIC;
	h->version = VMVIEW_FORMAT_VERSION;
	h->rec_size = (uint16_t)rec_size;
	h->hdr_size = sizeof(*h);
	h->pid = 1234;
	h->levels = 4;
	h->end = 0x7ffffffff000ULL;
}

static struct vmv_bin_rec bin_rec(uint64_t start, uint64_t pages, int level,
				  int type, unsigned flags)
{
	struct vmv_bin_rec r;

	memset(&r, 0, sizeof(r));
	r.start = start;
	r.pages = pages;
	r.level = (uint8_t)level;
	r.type = (uint8_t)type;
	r.flags = flags;
	r.mapcount = -1;
	return r;
}

static bool leaf_eq(const struct vmv_leaf *a, const struct vmv_leaf *b)
{
	return a->start == b->start && a->end == b->end && a->level == b->level &&
	       a->type == b->type && a->flags == b->flags && a->pages == b->pages &&
	       a->pfn == b->pfn && a->swap_type == b->swap_type &&
	       a->swap_off == b->swap_off && a->src == b->src && a->off == b->off &&
	       a->map == b->map && !strcmp(a->marker, b->marker) && a->has == b->has;
}

/* The record parses to what the text line parses to. */
static bool same_as_text(const struct vmv_bin_rec *r, const char *line)
{
	struct vmv_leaf b, t;

	return !parse_bin_rec(r, &b) && !parse_leaf(line, &t) && leaf_eq(&b, &t);
}

static void test_bin_header(void)
{
	struct vmv_bin_header h;
	struct vmv_header v;
	unsigned char big[64];
	const char *why = NULL;

	bin_hdr(&h, sizeof(struct vmv_bin_rec));
	T(!parse_bin_header(&h, sizeof(h), &v, &why));
	T(!strcmp(v.file, "pages") && v.version == 1 && v.pid == 1234 &&
	  v.levels == 4 && v.end == 0x7ffffffff000ULL && !strcmp(v.mode, "runs") &&
	  v.rec_size == 48 && v.hdr_size == 48 && v.pti == -1);
	h.per_page = 1;
	T(!parse_bin_header(&h, sizeof(h), &v, NULL) && !strcmp(v.mode, "pages"));
	T(parse_bin_header(&h, sizeof(h) - 1, &v, &why) &&
	  !strcmp(why, "truncated header"));
	T(parse_bin_header(&h, 0, &v, NULL));
	/* a later revision: larger header and records, a later version */
	bin_hdr(&h, 64);
	h.hdr_size = sizeof(big);
	h.version = 2;
	memset(big, 0xee, sizeof(big));
	memcpy(big, &h, sizeof(h));
	T(!parse_bin_header(big, sizeof(big), &v, NULL) && v.rec_size == 64 &&
	  v.hdr_size == 64 && v.version == 2);
	bin_hdr(&h, 48);
	h.magic = 0x6d762023;			/* "# vm": text output */
	T(parse_bin_header(&h, sizeof(h), &v, &why) && strstr(why, "magic"));
	bin_hdr(&h, 48);
	h.version = 0;
	T(parse_bin_header(&h, sizeof(h), &v, NULL));
	bin_hdr(&h, 47);			/* smaller records: refused */
	T(parse_bin_header(&h, sizeof(h), &v, &why) && strstr(why, "record size"));
	bin_hdr(&h, 48);
	h.hdr_size = 40;
	T(parse_bin_header(&h, sizeof(h), &v, &why) && strstr(why, "header size"));
	bin_hdr(&h, 48);
	h.levels = 6;
	T(parse_bin_header(&h, sizeof(h), &v, NULL));
	bin_hdr(&h, 48);
	h.pid = -1;
	T(parse_bin_header(&h, sizeof(h), &v, NULL));
}

static void test_bin_rec(void)
{
	struct vmv_bin_rec r;
	struct vmv_leaf l;

	r = bin_rec(0x400000, 1, VMV_L_PTE, VMV_T_PAGE, VMV_F_PRESENT |
		    VMV_F_USER | VMV_F_ACCESSED | VMV_F_NX);
	r.pfn = 0x3fa58;
	r.src = VMV_SRC_FILE;
	r.mapcount = 4;
	T(same_as_text(&r, "0x0000000000400000-0x0000000000401000 pte page P-UA-N------- pages=1 pfn=0x3fa58 src=file off=0x0 map=4"));
	r = bin_rec(0x7f0000000000, 16, VMV_L_PTE, VMV_T_SWAP, VMV_F_SOFT_DIRTY);
	r.pfn = 0x4000;
	r.swap_type = 1;
	T(same_as_text(&r, "0x7f0000000000-0x7f0000010000 pte swap ----------S-- pages=16 swap=1:0x4000"));
	r = bin_rec(0x7f8672c00000, 512, VMV_L_PMD, VMV_T_PAGE, 0x43f);
	r.pfn = 0x5400;
	r.src = VMV_SRC_ANON;
	r.mapcount = 1;
	r.bits = VMV_B_EXCL;
	T(same_as_text(&r, "0x7f8672c00000-0x7f8672e00000 pmd page PWUADN----S-- pages=512 pfn=0x5400 src=anon map=1 excl=1"));
	r = bin_rec(0x1000, 1, VMV_L_PTE, VMV_T_MARKER, VMV_F_SOFT_DIRTY | VMV_F_UFFD_WP);
	r.marker = VMV_MARKER_UFFD_WP;
	r.pfn = 0x99;				/* not printed for markers */
	T(same_as_text(&r, "0x1000-0x2000 pte marker ----------SF- pages=1 marker=uffd-wp"));
	r.marker = VMV_MARKER_NONE;
	T(same_as_text(&r, "0x1000-0x2000 pte marker ----------SF- pages=1 marker=other"));
	r.marker = 77;
	T(!parse_bin_rec(&r, &l) && !strcmp(l.marker, "unknown"));
	r = bin_rec(0x1000, 1, VMV_L_PTE, VMV_T_MIGRATION, 0);
	r.pfn = 0x10;
	r.bits = VMV_B_WRITE;
	T(same_as_text(&r, "0x1000-0x2000 pte migration ------------- pages=1 pfn=0x10 write=1"));
	r = bin_rec(0x1000, 4, VMV_L_PTE, VMV_T_ZERO, VMV_F_PRESENT | VMV_F_SPECIAL);
	r.pfn = 0x1c0f;
	r.mapcount = -1;
	r.src = VMV_SRC_NONE;
	T(same_as_text(&r, "0x1000-0x5000 pte zero P-----------X pages=4 pfn=0x1c0f"));
	/* a later revision: a new type, new flag bits, a new src, new bits */
	r = bin_rec(0x1000, 1, VMV_L_PTE, 42, VMV_F_PRESENT | (1U << 20));
	r.src = 9;
	r.bits = 0x80;
	T(same_as_text(&r, "0x1000-0x2000 pte newtype P------------Q pages=1 pfn=0x0"));
	T(!parse_bin_rec(&r, &l) && l.type == 0 && l.flags == VMV_F_PRESENT);
	/* refused: what the text parser refuses */
	r = bin_rec(0x1000, 0, VMV_L_PTE, VMV_T_PAGE, 0);
	T(parse_bin_rec(&r, &l));		/* pages=0 */
	r = bin_rec(0xfffffffffffff000ULL, 1, VMV_L_PTE, VMV_T_PAGE, 0);
	T(parse_bin_rec(&r, &l));		/* ends at 2^64 */
	r = bin_rec(0x1000, UINT64_MAX, VMV_L_PTE, VMV_T_PAGE, 0);
	T(parse_bin_rec(&r, &l));		/* wraps */
	r = bin_rec(0xffffffffffffe000ULL, 1, VMV_L_PTE, VMV_T_PAGE, 0);
	T(!parse_bin_rec(&r, &l) && l.end == 0xfffffffffffff000ULL);
	r = bin_rec(0x1000, 1, VMV_L_P4D, VMV_T_PAGE, 0);
	T(parse_bin_rec(&r, &l));
	r = bin_rec(0x1000, 1, 0, VMV_T_PAGE, 0);
	T(parse_bin_rec(&r, &l));
}

/*
 * The stream: a SOCK_SEQPACKET socket returns one write() per read(), so
 * each part below is exactly one read() of vmdump's.
 */
static int bin_stream(const void *const *part, const size_t *len, int nparts,
		      int *nleaves, struct vmv_leaf *last)
{
	static char dir[] = "/tmp/vmdump-test-XXXXXX";
	char path[64];
	struct vmv_leaf l;
	struct vsrc s;
	int sv[2], i, r;

	if (!mkdtemp(dir))
		return -100;
	snprintf(path, sizeof(path), "%s/pages.bin", dir);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	setenv("VMDUMP_REPLAY", dir, 1);
	r = vsrc_open(&s, "pages", 1);
	unsetenv("VMDUMP_REPLAY");
	unlink(path);
	rmdir(dir);
	strcpy(dir, "/tmp/vmdump-test-XXXXXX");
	if (r || !s.bin || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -101;
	for (i = 0; i < nparts; i++)
		if (write(sv[1], part[i], len[i]) != (ssize_t)len[i])
			return -102;
	close(sv[1]);
	dup2(sv[0], s.fd);
	close(sv[0]);
	*nleaves = 0;
	while ((r = vsrc_next_leaf(&s, &l)) == 1) {
		*last = l;
		(*nleaves)++;
	}
	vsrc_close(&s);
	return r;
}

static void test_bin_stream(void)
{
	unsigned char buf[3 * 64 + 64], *p = buf;
	struct vmv_bin_header h;
	struct vmv_bin_rec r1, r2;
	struct vmv_leaf l;
	const void *part[3];
	size_t len[3];
	int n = -1;

	r1 = bin_rec(0x1000, 1, VMV_L_PTE, VMV_T_PAGE, VMV_F_PRESENT);
	r2 = bin_rec(0x200000, 512, VMV_L_PMD, VMV_T_PAGE, VMV_F_PRESENT);
	r2.pfn = 0x5400;
	/* a record split across two reads, the header with the first part */
	bin_hdr(&h, sizeof(r1));
	memcpy(p, &h, sizeof(h));
	memcpy(p + 48, &r1, 48);
	memcpy(p + 96, &r2, 48);
	part[0] = p;
	len[0] = 48 + 48 + 20;
	part[1] = p + len[0];
	len[1] = 28;
	T(bin_stream(part, len, 2, &n, &l) == 0 && n == 2 && l.pfn == 0x5400 &&
	  l.end == 0x400000 && l.level == VMV_L_PMD);
	/* the header itself split over three reads, one of a single byte */
	part[0] = p;
	len[0] = 7;
	part[1] = p + 7;
	len[1] = 1;
	part[2] = p + 8;
	len[2] = 144 - 8;
	T(bin_stream(part, len, 3, &n, &l) == 0 && n == 2 && l.pfn == 0x5400);
	/* larger records (64 bytes) and header (64): the extra bytes skipped */
	memset(buf, 0xff, sizeof(buf));
	bin_hdr(&h, 64);
	h.hdr_size = 64;
	memcpy(p, &h, sizeof(h));
	memcpy(p + 64, &r1, 48);
	memcpy(p + 128, &r2, 48);
	part[0] = p;
	len[0] = 64 + 50;
	part[1] = p + len[0];
	len[1] = 192 - len[0];
	T(bin_stream(part, len, 2, &n, &l) == 0 && n == 2 && l.pfn == 0x5400 &&
	  l.start == 0x200000);
	/* the output ends inside a record, or inside the header, or at once */
	bin_hdr(&h, 48);
	memcpy(p, &h, sizeof(h));
	memcpy(p + 48, &r1, 48);
	part[0] = p;
	len[0] = 48 + 30;
	T(bin_stream(part, len, 1, &n, &l) == -EX_FORMAT && n == 0);
	len[0] = 47;
	T(bin_stream(part, len, 1, &n, &l) == -EX_FORMAT && n == 0);
	T(bin_stream(part, len, 0, &n, &l) == -EX_FORMAT && n == 0);
	/* only a header: no leaves */
	len[0] = 48;
	T(bin_stream(part, len, 1, &n, &l) == 0 && n == 0);
	/* a wrong magic */
	h.magic = 0x42564d57;
	memcpy(p, &h, sizeof(h));
	len[0] = 96;
	T(bin_stream(part, len, 1, &n, &l) == -EX_FORMAT && n == 0);
}

static void test_vma(void)
{
	struct vmv_vma v;

	T(!parse_vma("0x0000000000401000-0x0000000000585000 r-xp code vsize=388 rss=251 dirty=0 swap=0 huge=0 off=0x1000 file=/bin/busybox", &v));
	T(v.start == 0x401000 && v.end == 0x585000 && !strcmp(v.perms, "r-xp") &&
	  !strcmp(v.kind, "code") && v.vsize == 388 && v.rss == 251 &&
	  v.has_off && v.off == 0x1000 && v.path_len == 12 &&
	  !memcmp(v.path, "/bin/busybox", 12));
	T(!parse_vma("0x1000-0x2000 rw-s shared vsize=1 rss=0 dirty=0 swap=0 huge=0 off=0x0 file=/tmp/a file with  spaces=x", &v));
	T(v.path_len == strlen("/tmp/a file with  spaces=x"));
	T(!parse_vma("0x1000-0x2000 rw-p heap vsize=1 rss=1 dirty=1 swap=0 huge=0", &v));
	T(!v.path && !strcmp(v.kind, "heap"));
	T(!parse_vma("0x1000-0x2000 rw-p heap vsize=1 rss=1 dirty=1 swap=0 huge=0 newkey=7", &v));
	T(parse_vma("0x1000-0x2000 rw-p heap vsize=1 rss=1 dirty=1 swap=0", &v));
	T(parse_vma("0x1000-0x2000 rwxq heap vsize=1 rss=1 dirty=1 swap=0 huge=0", &v));
	T(parse_vma("0x1000-0x2000 rw-p HEAP vsize=1 rss=1 dirty=1 swap=0 huge=0", &v));
	T(parse_vma("0x1000-0x2000 rw-p heap vsize=1 rss=1 dirty=1 swap=0 huge=0 file=", &v));
	T(parse_vma("0x1000-0x2000 rw-p averylongkindname vsize=1 rss=1 dirty=1 swap=0 huge=0", &v));
}

static void test_translate(void)
{
	struct vmv_tline t;

	T(!parse_tline("va=0x7fb218c00000 vpn=0x7fb218c00 offset=0x0 pgd_phys=0x1888000", &t));
	T(t.kind == TL_HEAD && t.va == 0x7fb218c00000ULL && t.pgd_phys == 0x1888000);
	T(!parse_tline("level=pgd index=255 entry=0x0000000015309067 flags=PWUAD----H---", &t));
	T(t.kind == TL_LEVEL && t.level == VMV_L_PGD && t.index == 255 &&
	  t.entry == 0x15309067);
	T(!parse_tline("level=p4d folded=1", &t) && t.folded && t.level == VMV_L_P4D);
	T(!parse_tline("level=pmd index=198 entry=0x80000000052008e7 flags=PWUADN----S-- pse=1", &t));
	T(parse_tline("level=pmd index=512 entry=0x0 flags=-------------", &t));
	T(parse_tline("level=pmd entry=0x0 flags=-------------", &t));
	T(!parse_tline("result stop=leaf level=pmd type=page flags=PWUADN----S-- pages=512 pfn=0x5200 src=anon map=1 excl=1 phys=0x5200000 directmap=0xff242c3205200000", &t));
	T(t.kind == TL_RESULT && !strcmp(t.stop, "leaf") && t.level == VMV_L_PMD &&
	  t.pfn == 0x5200 && t.phys == 0x5200000 &&
	  t.directmap == 0xff242c3205200000ULL && t.map == 1);
	T(!parse_tline("result stop=none level=pte", &t) && !strcmp(t.stop, "none"));
	T(!parse_tline("result stop=swap level=pte type=swap flags=----------S-- swap=0:0x4000", &t));
	T((t.has & HAS_SWAP) && t.swap_off == 0x4000);
	T(parse_tline("result level=pte", &t));
	T(!parse_tline("bytes=4 5a 5a 00 ff", &t) && t.kind == TL_BYTES &&
	  t.nbytes == 4 && t.bytes[3] == 0xff);
	T(!parse_tline("bytes=0", &t) && t.nbytes == 0);
	T(!parse_tline("bytes=0 unreadable=1", &t) && t.unreadable && !t.nbytes);
	T(!parse_tline("bytes=2 5a 5a later=1", &t) && t.nbytes == 2);
	T(!parse_tline("level=pgd index=255 entry=0x8000000015309067 flags=PWUA-N------- user=0x15309067", &t) &&
	  t.has_user && t.user_entry == 0x15309067);
	T(parse_tline("bytes=3 5a 5a", &t));
	T(parse_tline("bytes=1 5a 5a", &t));
	T(parse_tline("bytes=1 5", &t));
	T(parse_tline("bytes=1 zz", &t));
	T(parse_tline("bytes=257", &t));
	T(parse_tline("whatever", &t));
}

static void test_layout(void)
{
	struct vmv_lline l;

	T(!parse_layout_line("task_size 0x7ffffffff000", &l) && l.kind == LL_VALUE &&
	  !strcmp(l.name, "task_size") && l.value == 0x7ffffffff000ULL);
	T(!parse_layout_line("region user 0x0000000000000000 0x00007ffffffff000", &l) &&
	  l.kind == LL_REGION && l.end == 0x7ffffffff000ULL);
	T(!parse_layout_line("region vsyscall 0xffffffffff600000 0x0", &l));	/* ends at 2^64 */
	T(!parse_layout_line("target pid=109 pgd_phys=0x24a6000", &l) &&
	  l.kind == LL_TARGET && l.pid == 109 && !l.has_user_pgd);
	T(!parse_layout_line("target pid=109 pgd_phys=0x24a6000 user_pgd_phys=0x24a7000", &l) &&
	  l.has_user_pgd && l.user_pgd_phys == 0x24a7000);
	T(!parse_layout_line("target pid=109 state=gone", &l) && l.gone);
	T(parse_layout_line("target pid=109", &l));
	T(parse_layout_line("target pgd_phys=0x24a6000", &l));
	T(parse_layout_line("region user 0x1000 0x1000", &l));
	T(parse_layout_line("region user 0x1000", &l));
	T(parse_layout_line("task_size", &l));
	T(parse_layout_line("task_size 12", &l));
	T(!parse_kernel_line("0xffff8a0280000000-0xffff8a0280098000 pte PW-ADNG------ pages=152", &l));
	T(l.kind == LL_LEAF && l.level == VMV_L_PTE && l.pages == 152);
	T(!parse_kernel_line("0xffffffffff600000-0x0000000000000000 pte P-U---G------ pages=1", &l));
	T(!parse_kernel_line("region direct_map 0xffff8a0280000000 0xffff8a02bffe0000", &l) &&
	  l.kind == LL_REGION);
	T(parse_kernel_line("0xffff8a0280000000-0xffff8a0280098000 pte PW-ADNG------", &l));
}

static void test_args(void)
{
	uint64_t a, b;
	long pid;
	char buf[32];

	T(!parse_range_arg("0x1000-0x3000", &a, &b) && a == 0x1000 && b == 0x3000);
	T(!parse_range_arg("0x1001-0x2fff", &a, &b) && a == 0x1000 && b == 0x3000);
	T(!parse_range_arg("0x7f0000000000+2M", &a, &b) && b - a == 2 << 20);
	T(!parse_range_arg("4096", &a, &b) && a == 4096 && b == 8192);
	T(parse_range_arg("0x3000-0x1000", &a, &b));
	T(parse_range_arg("0x1000-", &a, &b));
	T(parse_range_arg("-0x1000", &a, &b));
	T(parse_range_arg("0xffffffffffffffff+1", &a, &b));
	T(parse_range_arg("0x1000+0", &a, &b));
	T(parse_range_arg("0x1000+99999999999T", &a, &b));
	T(parse_range_arg("0xfffffffffffff001-0xffffffffffffffff", &a, &b));
	T(parse_range_arg("abc", &a, &b));
	T(!parse_pid_arg("1", &pid) && pid == 1);
	T(parse_pid_arg("0", &pid));
	T(parse_pid_arg("4194305", &pid));
	T(parse_pid_arg("12a", &pid));
	T(parse_pid_arg("", &pid));
	T(parse_pid_arg(NULL, &pid));
	T(!parse_addr_arg("0x7ffd5e3c1678", &a) && a == 0x7ffd5e3c1678ULL);
	T(parse_addr_arg("7ffd5e3c1678", &a));
	T(!strcmp(human(4096, buf, sizeof(buf)), "4K"));
	T(!strcmp(human(2 << 20, buf, sizeof(buf)), "2M"));
	T(!strcmp(human(3ULL << 29, buf, sizeof(buf)), "1.5G"));
	T(!strcmp(human(512, buf, sizeof(buf)), "512B"));
	T(!strcmp(human(UINT64_MAX, buf, sizeof(buf)), "16E"));
	T(!strcmp(human(128ULL << 40, buf, sizeof(buf)), "128T"));
}

static void test_json(void)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	json_str(f, "a\"b\\c\n\x01\xff\xc3\xa9", 10);
	fclose(f);
	T(!strcmp(out, "\"a\\\"b\\\\c\\u000a\\u0001\\ufffd\xc3\xa9\""));
	free(out);
}

int main(void)
{
	test_numbers();
	test_header();
	test_flags();
	test_leaf();
	test_bin_header();
	test_bin_rec();
	test_bin_stream();
	test_vma();
	test_translate();
	test_layout();
	test_args();
	test_json();
	printf("test_parse: %d/%d passed\n", runs - fails, runs);
	return fails ? 1 : 0;
}
