// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump check PID: vmview against /proc/PID/pagemap, every page of every
 * VMA, in chunks of CHUNK pages (memory: one chunk).  For each page:
 *   vmview frame (page, zero, pfnmap)  <-> pagemap present, same PFN
 *   vmview swap                        <-> pagemap swapped, same type/offset
 *   vmview migration                   <-> pagemap swapped, offset = pfn
 *   vmview other non-present entry     <-> pagemap swapped
 *   no vmview line                     <-> pagemap neither present nor swapped
 * A chunk with mismatches is walked and read again once (the target may be
 * running); what still disagrees is reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmdump.h"

#define CHUNK		4096		/* pages: 16 MiB of address space */
#define MAX_REPORT	20

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_SWAP_TYPE(e)	((e) & 0x1f)
#define PM_SWAP_OFF(e)	(((e) & PM_PFN_MASK) >> 5)

enum vstate { VS_NONE, VS_FRAME, VS_SWAP, VS_MIGRATION, VS_OTHER };

struct vpage {
	uint8_t state;
	uint8_t type;
	uint16_t stype;
	uint64_t val;			/* pfn or swap offset */
};

struct chunk {
	uint64_t start;
	size_t n;
	struct vpage vv[CHUNK];
	uint64_t pm[CHUNK];
};

static struct {
	uint64_t pages, frames, swapped, absent, other, mismatch, resolved, vmas;
	unsigned reported;
} tot;

static int walk_chunk(struct vsrc *s, struct chunk *c)
{
	uint64_t end = c->start + c->n * VMV_PAGE_SIZE;
	struct vmv_leaf l;
	int r;

	memset(c->vv, 0, c->n * sizeof(c->vv[0]));
	r = vsrc_request(s, "pid=%ld start=0x%llx end=0x%llx mode=pages", opt.pid,
			 (unsigned long long)c->start, (unsigned long long)end);
	if (r)
		return r;
	while ((r = vsrc_next_leaf(s, &l)) > 0) {
		uint64_t a, e;

		if (r == VSRC_BAD) {
			vsrc_report_bad(s);
			continue;
		}
		a = l.start > c->start ? l.start : c->start;
		e = l.end < end ? l.end : end;
		for (; a < e; a += VMV_PAGE_SIZE) {
			struct vpage *p = &c->vv[(a - c->start) >> VMV_PAGE_SHIFT];
			uint64_t i = (a - l.start) >> VMV_PAGE_SHIFT;

			p->type = (uint8_t)l.type;
			switch (l.type) {
			case VMV_T_ZERO:	/* runs of the one zero page */
				p->state = VS_FRAME;
				p->val = l.pfn;
				break;
			case VMV_T_PAGE:
			case VMV_T_PFNMAP:
				p->state = VS_FRAME;
				p->val = l.pfn + i;
				break;
			case VMV_T_SWAP:
				p->state = VS_SWAP;
				p->stype = (uint16_t)l.swap_type;
				p->val = l.swap_off + i;
				break;
			case VMV_T_MIGRATION:
				p->state = VS_MIGRATION;
				p->val = l.pfn + i;
				break;
			default:
				p->state = VS_OTHER;
				break;
			}
		}
	}
	return r < 0 ? -r : 0;
}

static int read_pagemap(int fd, struct chunk *c)
{
	size_t want = c->n * sizeof(uint64_t), got = 0;
	off_t off = (off_t)((c->start >> VMV_PAGE_SHIFT) * sizeof(uint64_t));

	while (got < want) {
		ssize_t r = pread(fd, (char *)c->pm + got, want - got, off + (off_t)got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0 || errno == ESRCH) {
				fprintf(stderr, "%s: process %ld exited during the "
					"check\n", prog, opt.pid);
				return EX_EXITED;
			}
			fprintf(stderr, "%s: /proc/%ld/pagemap: %s\n", prog, opt.pid,
				strerror(errno));
			return EX_SYSTEM;
		}
		got += (size_t)r;
	}
	return 0;
}

/* 1 if page i agrees; fills why[] otherwise. */
static int agree(const struct chunk *c, size_t i, char *why, size_t n)
{
	const struct vpage *p = &c->vv[i];
	uint64_t e = c->pm[i];
	bool present = e & PM_PRESENT, swap = !present && (e & PM_SWAP);
	char pmdesc[64];

	if (present)
		snprintf(pmdesc, sizeof(pmdesc), "present pfn %llx",
			 (unsigned long long)(e & PM_PFN_MASK));
	else if (swap)
		snprintf(pmdesc, sizeof(pmdesc), "swapped %llu:%llx",
			 (unsigned long long)PM_SWAP_TYPE(e),
			 (unsigned long long)PM_SWAP_OFF(e));
	else
		snprintf(pmdesc, sizeof(pmdesc), "not present");

	switch (p->state) {
	case VS_NONE:
		if (!present && !swap)
			return 1;
		snprintf(why, n, "vmview: no entry; pagemap: %s", pmdesc);
		return 0;
	case VS_FRAME:
		if (present && (e & PM_PFN_MASK) == p->val)
			return 1;
		snprintf(why, n, "vmview: %s pfn %llx; pagemap: %s",
			 type_name(p->type), (unsigned long long)p->val, pmdesc);
		return 0;
	case VS_SWAP:
		if (swap && PM_SWAP_TYPE(e) == p->stype && PM_SWAP_OFF(e) == p->val)
			return 1;
		snprintf(why, n, "vmview: swap %u:%llx; pagemap: %s", p->stype,
			 (unsigned long long)p->val, pmdesc);
		return 0;
	case VS_MIGRATION:
		if (swap && PM_SWAP_OFF(e) == p->val)
			return 1;
		snprintf(why, n, "vmview: migration pfn %llx; pagemap: %s",
			 (unsigned long long)p->val, pmdesc);
		return 0;
	default:
		if (swap)
			return 1;
		snprintf(why, n, "vmview: %s; pagemap: %s", type_name(p->type), pmdesc);
		return 0;
	}
}

static void count(const struct chunk *c, size_t i)
{
	switch (c->vv[i].state) {
	case VS_NONE: tot.absent++; break;
	case VS_FRAME: tot.frames++; break;
	case VS_SWAP: tot.swapped++; break;
	default: tot.other++; break;
	}
}

static int check_chunk(struct vsrc *s, int pmfd, struct chunk *c)
{
	static uint8_t bad[CHUNK];
	char why[160];
	size_t i, nbad = 0;
	int r;

	r = walk_chunk(s, c);
	if (!r)
		r = read_pagemap(pmfd, c);
	if (r)
		return r;
	for (i = 0; i < c->n; i++) {
		bad[i] = !agree(c, i, why, sizeof(why));
		if (bad[i])
			nbad++;
		else
			count(c, i);
	}
	tot.pages += c->n;
	if (!nbad)
		return 0;
	/* Once more: the target may have faulted or freed in between. */
	r = walk_chunk(s, c);
	if (!r)
		r = read_pagemap(pmfd, c);
	if (r)
		return r;
	for (i = 0; i < c->n; i++) {
		if (!bad[i])
			continue;
		if (agree(c, i, why, sizeof(why))) {
			tot.resolved++;
			count(c, i);
			continue;
		}
		tot.mismatch++;
		if (tot.reported++ >= MAX_REPORT)
			continue;
		if (opt.json) {
			printf("{\"type\":\"mismatch\",\"addr\":\"0x%llx\",\"why\":",
			       (unsigned long long)(c->start + i * VMV_PAGE_SIZE));
			json_str(stdout, why, strlen(why));
			printf(",\"pagemap\":\"0x%llx\"}\n", (unsigned long long)c->pm[i]);
		} else {
			printf("  %smismatch%s %016llx: %s (pagemap entry %016llx)\n",
			       col(C_RED), col(C_RESET),
			       (unsigned long long)(c->start + i * VMV_PAGE_SIZE), why,
			       (unsigned long long)c->pm[i]);
		}
	}
	return 0;
}

int cmd_check(void)
{
	static struct chunk c;
	struct vma_table vt;
	struct kinfo k;
	struct vsrc s;
	char path[64], comm[64];
	size_t i;
	int pmfd, r;

	r = vma_load(&vt, opt.pid);
	if (r)
		return r;
	r = kinfo_load(&k, opt.pid, false);
	if (r)
		goto out3;
	snprintf(path, sizeof(path), "/proc/%ld/pagemap", opt.pid);
	pmfd = open(path, O_RDONLY | O_CLOEXEC);
	if (pmfd < 0) {
		r = errno == ENOENT ? explain_pid(opt.pid, ESRCH) :
		    errno == EACCES || errno == EPERM ? explain_pid(opt.pid, EPERM) :
		    EX_SYSTEM;
		if (r == EX_SYSTEM)
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		goto out2;
	}
	r = vsrc_open(&s, "pages", opt.pid);
	if (r)
		goto out1;
	proc_comm(opt.pid, comm, sizeof(comm));
	if (opt.json) {
		json_begin("check");
	} else {
		printf("%scheck process %ld (", col(C_BOLD), opt.pid);
		safe_print(stdout, comm, strlen(comm));
		printf("): vmview against /proc/%ld/pagemap%s\n", opt.pid, col(C_RESET));
	}
	progress_begin("check");
	for (i = 0; i < vt.n && !r; i++) {
		uint64_t a = vt.v[i].start, e = vt.v[i].end;

		if (k.task_size && e > k.task_size)
			continue;		/* not user space: vsyscall */
		if (opt.has_range) {
			if (e <= opt.start || a >= opt.end)
				continue;
			if (a < opt.start)
				a = opt.start;
			if (e > opt.end)
				e = opt.end;
		}
		tot.vmas++;
		while (a < e && !r) {
			uint64_t n = (e - a) >> VMV_PAGE_SHIFT;

			c.start = a;
			c.n = n > CHUNK ? CHUNK : (size_t)n;
			r = check_chunk(&s, pmfd, &c);
			s.gone_is_exit = true;
			a += c.n * VMV_PAGE_SIZE;
			progress_tick("VMA %zu/%zu, %llu pages", i + 1, vt.n,
				      (unsigned long long)tot.pages);
		}
	}
	progress_end();
	if (r)
		goto out;
	if (opt.json) {
		printf("{\"type\":\"totals\",\"vmas\":%llu,\"pages\":%llu,"
		       "\"present_same_pfn\":%llu,\"swapped_same_slot\":%llu,"
		       "\"absent_both\":%llu,\"other_agree\":%llu,\"mismatches\":%llu,"
		       "\"resolved_on_recheck\":%llu,\"agree\":%s}\n",
		       (unsigned long long)tot.vmas, (unsigned long long)tot.pages,
		       (unsigned long long)tot.frames, (unsigned long long)tot.swapped,
		       (unsigned long long)tot.absent, (unsigned long long)tot.other,
		       (unsigned long long)tot.mismatch,
		       (unsigned long long)tot.resolved,
		       tot.mismatch ? "false" : "true");
	} else {
		if (tot.reported > MAX_REPORT)
			printf("  ... %u more mismatches not shown\n",
			       tot.reported - MAX_REPORT);
		printf("  %llu pages in %llu VMAs compared\n",
		       (unsigned long long)tot.pages, (unsigned long long)tot.vmas);
		printf("  %-34s %llu\n", "present, same PFN:", (unsigned long long)tot.frames);
		printf("  %-34s %llu\n", "swapped, same type and offset:",
		       (unsigned long long)tot.swapped);
		printf("  %-34s %llu\n", "absent in both:", (unsigned long long)tot.absent);
		printf("  %-34s %llu\n", "other non-present, both:",
		       (unsigned long long)tot.other);
		printf("  %-34s %llu (agreed on re-check: %llu)\n", "mismatches:",
		       (unsigned long long)tot.mismatch, (unsigned long long)tot.resolved);
		printf("%s%s%s\n", tot.mismatch ? col(C_RED) : col(C_GREEN),
		       tot.mismatch ? "DISAGREE" : "agree: every page", col(C_RESET));
	}
	r = tot.mismatch ? EX_DIFFER : 0;
out:
	vsrc_close(&s);
out1:
	close(pmfd);
out2:
	kinfo_free(&k);
out3:
	vma_free(&vt);
	return r;
}
