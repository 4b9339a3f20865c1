// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump translate PID ADDR: one address, its bit fields, every level's
 * entry, the frame, the direct-map alias and the first bytes there.
 */
#include <string.h>

#include "vmdump.h"

#define ENTRY_ADDR_MASK	0x000ffffffffff000ULL	/* bits 51:12 */
#define ENTRY_PS	(1ULL << 7)

struct field {
	const char *name;
	int hi, lo;
};

/* The fields of a virtual address, top down, for 4- or 5-level paging. */
static int fields(int levels, struct field *f)
{
	static const char *const names5[] = { "pgd", "p4d", "pud", "pmd", "pte" };
	static const char *const names4[] = { "pgd", "pud", "pmd", "pte" };
	int n = levels == 5 ? 5 : 4, i, top = 12 + 9 * n - 1;

	f[0].name = "sign";
	f[0].hi = 63;
	f[0].lo = top + 1;
	for (i = 0; i < n; i++) {
		f[i + 1].name = levels == 5 ? names5[i] : names4[i];
		f[i + 1].hi = top - 9 * i;
		f[i + 1].lo = top - 9 * i - 8;
	}
	f[n + 1].name = "offset";
	f[n + 1].hi = 11;
	f[n + 1].lo = 0;
	return n + 2;
}

static uint64_t bits(uint64_t v, int hi, int lo)
{
	int w = hi - lo + 1;

	return w >= 64 ? v : (v >> lo) & ((1ULL << w) - 1);
}

static void draw_fields(uint64_t va, int levels)
{
	struct field f[7];
	int n = fields(levels, f), i, j;
	char tmp[32];

	printf("  %-7s", "bits");
	for (i = 0; i < n; i++) {
		snprintf(tmp, sizeof(tmp), "[%d:%d]", f[i].hi, f[i].lo);
		printf(" %-12s", tmp);
	}
	printf("\n  %-7s", "field");
	for (i = 0; i < n; i++)
		printf(" %s%-12s%s", i && i < n - 1 ? col(C_CYAN) : "", f[i].name,
		       col(C_RESET));
	printf("\n  %-7s", "value");
	for (i = 0; i < n; i++) {
		uint64_t v = bits(va, f[i].hi, f[i].lo);

		if (i == 0 || i == n - 1)
			snprintf(tmp, sizeof(tmp), "0x%llx", (unsigned long long)v);
		else
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
		printf(" %s%-12s%s", col(C_BOLD), tmp, col(C_RESET));
	}
	printf("\n  %-7s", "binary");
	for (i = 0; i < n; i++) {
		int w = f[i].hi - f[i].lo + 1;

		if (w > 12) {	/* the sign extension: all 0 or all 1 */
			printf(" %-12s", bits(va, f[i].hi, f[i].lo) ? "1...1" : "0...0");
			continue;
		}
		for (j = f[i].hi; j >= f[i].lo; j--)
			tmp[f[i].hi - j] = (va >> j) & 1 ? '1' : '0';
		tmp[w] = 0;
		printf(" %-12s", tmp);
	}
	printf("\n");
}

static void hexdump(const uint8_t *p, int n, uint64_t va)
{
	int i, j;

	for (i = 0; i < n; i += 16) {
		printf("  %016llx ", (unsigned long long)(va + i));
		for (j = 0; j < 16; j++) {
			if (j == 8)
				fputc(' ', stdout);
			if (i + j < n)
				printf(" %02x", p[i + j]);
			else
				printf("   ");
		}
		printf("  |");
		for (j = 0; j < 16 && i + j < n; j++)
			fputc(p[i + j] >= 0x20 && p[i + j] < 0x7f ? p[i + j] : '.', stdout);
		printf("|\n");
	}
}

static void json_fields(uint64_t va, int levels)
{
	struct field f[7];
	int n = fields(levels, f), i;

	printf("{\"type\":\"address\",\"va\":\"0x%llx\",\"levels\":%d,\"fields\":[",
	       (unsigned long long)va, levels);
	for (i = 0; i < n; i++)
		printf("%s{\"name\":\"%s\",\"hi\":%d,\"lo\":%d,\"value\":%llu}",
		       i ? "," : "", f[i].name, f[i].hi, f[i].lo,
		       (unsigned long long)bits(va, f[i].hi, f[i].lo));
	printf("]}\n");
}

static const char *leaf_size(int level)
{
	return level == VMV_L_PUD ? "1G" : level == VMV_L_PMD ? "2M" : "4K";
}

static void print_level(const struct vmv_tline *t)
{
	char fs[VMV_F_NFLAGS + 1], names[160];
	bool leaf;

	if (t->folded) {
		printf("  %s%-4s%s (folded: 4-level paging, the pgd entry is used)\n",
		       col(C_CYAN), level_name(t->level), col(C_RESET));
		return;
	}
	flags_string(t->flags, fs);
	printf("  %s%s[%3u]%s entry %s0x%016llx%s %s  ", col(C_CYAN),
	       level_name(t->level), t->index, col(C_RESET), col(C_BOLD),
	       (unsigned long long)t->entry, col(C_RESET), fs);
	if (!t->entry) {
		printf("%s(empty)%s\n", col(C_DIM), col(C_RESET));
		return;
	}
	leaf = t->level == VMV_L_PTE ||
	       ((t->level == VMV_L_PMD || t->level == VMV_L_PUD) && (t->entry & ENTRY_PS));
	if (!(t->entry & 1)) {
		printf("%snot present: the MMU ignores the other bits (a swap, "
		       "migration or marker entry, or a PROT_NONE page with its "
		       "PFN stored inverted)%s\n", col(C_DIM), col(C_RESET));
		return;
	}
	if (leaf)
		printf("-> %s frame at 0x%llx: ", leaf_size(t->level),
		       (unsigned long long)(t->entry & ENTRY_ADDR_MASK &
					    ~((level_pages(t->level) << 12) - 1)));
	else
		printf("-> next table at 0x%llx: ",
		       (unsigned long long)(t->entry & ENTRY_ADDR_MASK));
	printf("%s\n", flag_names(t->flags, names, sizeof(names)));
	if (t->has_user)
		printf("         user copy (PTI) 0x%016llx\n",
		       (unsigned long long)t->user_entry);
}

static void print_result(const struct vmv_tline *t, uint64_t va)
{
	char fs[VMV_F_NFLAGS + 1];

	printf("  %sresult%s: stop=%s%s%s", col(C_BOLD), col(C_RESET),
	       col(C_GREEN), t->stop, col(C_RESET));
	if (t->level)
		printf(" at %s", level_name(t->level));
	if (t->has & HAS_TYPE)
		printf(", %s", type_name(t->type));
	if (t->src)
		printf(" (%s)", t->src == SRC_ANON ? "anon" : "file");
	if (t->has & HAS_MAP)
		printf(", mapped %ld time%s", t->map, t->map == 1 ? "" : "s");
	printf("\n");
	if (!strcmp(t->stop, "none"))
		printf("  no entry: the page was never touched or was freed; "
		       "an access would fault it in\n");
	else if (!strcmp(t->stop, "novma"))
		printf("  no VMA covers 0x%llx: an access would be a segfault\n",
		       (unsigned long long)va);
	if (t->has & HAS_FLAGS) {
		flags_string(t->flags, fs);
		printf("  flags      %s\n", fs);
	}
	if (t->has & HAS_PFN)
		printf("  pfn        0x%llx\n", (unsigned long long)t->pfn);
	if (t->has & HAS_PHYS)
		printf("  phys       %s0x%llx%s\n", col(C_BOLD),
		       (unsigned long long)t->phys, col(C_RESET));
	if (t->has & HAS_DIRECTMAP)
		printf("  directmap  %s0x%llx%s (the kernel's alias of the same byte)\n",
		       col(C_BOLD), (unsigned long long)t->directmap, col(C_RESET));
	if (t->has & HAS_SWAP)
		printf("  swap       type %u, offset 0x%llx\n", t->swap_type,
		       (unsigned long long)t->swap_off);
}

static void json_tline(const struct vmv_tline *t)
{
	char fs[VMV_F_NFLAGS + 1];
	int i;

	switch (t->kind) {
	case TL_HEAD:
		printf("{\"type\":\"head\",\"va\":\"0x%llx\",\"vpn\":\"0x%llx\","
		       "\"offset\":\"0x%llx\",\"pgd_phys\":\"0x%llx\"}\n",
		       (unsigned long long)t->va, (unsigned long long)t->vpn,
		       (unsigned long long)t->offset, (unsigned long long)t->pgd_phys);
		break;
	case TL_LEVEL:
		if (t->folded) {
			printf("{\"type\":\"level\",\"level\":\"%s\",\"folded\":true}\n",
			       level_name(t->level));
			break;
		}
		flags_string(t->flags, fs);
		printf("{\"type\":\"level\",\"level\":\"%s\",\"index\":%u,"
		       "\"entry\":\"0x%llx\",\"flags\":\"%s\",\"flag_names\":",
		       level_name(t->level), t->index, (unsigned long long)t->entry, fs);
		json_flags(stdout, t->flags);
		if (t->has_user)
			printf(",\"user_entry\":\"0x%llx\"",
			       (unsigned long long)t->user_entry);
		printf("}\n");
		break;
	case TL_RESULT:
		printf("{\"type\":\"result\",\"stop\":");
		json_str(stdout, t->stop, strlen(t->stop));
		if (t->level)
			printf(",\"level\":\"%s\"", level_name(t->level));
		if (t->has & HAS_TYPE)
			printf(",\"leaf\":\"%s\"", type_name(t->type));
		if (t->has & HAS_FLAGS) {
			flags_string(t->flags, fs);
			printf(",\"flags\":\"%s\",\"flag_names\":", fs);
			json_flags(stdout, t->flags);
		}
		if (t->has & HAS_PFN)
			printf(",\"pfn\":\"0x%llx\"", (unsigned long long)t->pfn);
		if (t->has & HAS_PHYS)
			printf(",\"phys\":\"0x%llx\"", (unsigned long long)t->phys);
		if (t->has & HAS_DIRECTMAP)
			printf(",\"directmap\":\"0x%llx\"", (unsigned long long)t->directmap);
		if (t->src)
			printf(",\"src\":\"%s\"", t->src == SRC_ANON ? "anon" : "file");
		if (t->has & HAS_MAP)
			printf(",\"mapcount\":%ld", t->map);
		if (t->has & HAS_SWAP)
			printf(",\"swap_type\":%u,\"swap_offset\":\"0x%llx\"",
			       t->swap_type, (unsigned long long)t->swap_off);
		printf("}\n");
		break;
	case TL_BYTES:
		printf("{\"type\":\"bytes\",\"count\":%d,%s\"hex\":\"", t->nbytes,
		       t->unreadable ? "\"unreadable\":true," : "");
		for (i = 0; i < t->nbytes; i++)
			printf("%02x", t->bytes[i]);
		printf("\"}\n");
		break;
	}
}

int cmd_translate(void)
{
	struct vsrc s;
	const char *line;
	struct vmv_tline t;
	uint64_t directmap = 0, phys = 0;
	bool has_dm = false;
	char comm[64];
	int r, bad = 0;

	r = vsrc_open(&s, "translate", opt.pid);
	if (r)
		return r;
	r = vsrc_request(&s, "pid=%ld addr=0x%llx bytes=%d", opt.pid,
			 (unsigned long long)opt.addr, opt.bytes);
	if (r)
		goto out;
	if (opt.json)
		json_begin("translate");
	while ((r = vsrc_next(&s, &line)) > 0) {
		if (parse_tline(line, &t)) {
			bad++;
			fprintf(stderr, "%s: translate: unparseable line skipped: "
				"\"%.100s\"\n", prog, line);
			continue;
		}
		if (opt.json) {
			if (t.kind == TL_HEAD)
				json_fields(t.va, s.hdr.levels);
			json_tline(&t);
			continue;
		}
		switch (t.kind) {
		case TL_HEAD:
			proc_comm(opt.pid, comm, sizeof(comm));
			printf("%saddress 0x%016llx in process %ld (", col(C_BOLD),
			       (unsigned long long)t.va, opt.pid);
			safe_print(stdout, comm, strlen(comm));
			printf("), %d-level paging, PTI %s%s\n", s.hdr.levels,
			       s.hdr.pti == 1 ? "on" : s.hdr.pti == 0 ? "off" : "?",
			       col(C_RESET));
			printf("  vpn 0x%llx, page offset 0x%llx\n\n",
			       (unsigned long long)t.vpn, (unsigned long long)t.offset);
			draw_fields(t.va, s.hdr.levels);
			printf("\n  CR3 -> top-level table (pgd) at phys 0x%llx\n",
			       (unsigned long long)t.pgd_phys);
			break;
		case TL_LEVEL:
			print_level(&t);
			break;
		case TL_RESULT:
			printf("\n");
			print_result(&t, opt.addr);
			if (t.has & HAS_DIRECTMAP) {
				has_dm = true;
				directmap = t.directmap;
				phys = t.phys;
			}
			break;
		case TL_BYTES:
			if (t.unreadable) {
				printf("\n  the frame is not in the direct map "
				       "(secretmem?): its bytes cannot be shown\n");
				break;
			}
			printf("\n  %d bytes at 0x%llx", t.nbytes,
			       (unsigned long long)opt.addr);
			if (has_dm)
				printf(" = phys 0x%llx, read through directmap 0x%llx",
				       (unsigned long long)phys,
				       (unsigned long long)directmap);
			printf(":\n");
			hexdump(t.bytes, t.nbytes, opt.addr);
			break;
		}
	}
	r = r < 0 ? -r : bad ? EX_FORMAT : 0;
out:
	vsrc_close(&s);
	return r;
}
