// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump watch PID: re-walk `pages mode=pages` every interval and print what
 * changed.  The previous walk is kept as a sorted array of (vpn, pfn or swap
 * slot, flags, type, level): 24 bytes per leaf that has an entry, i.e.
 * proportional to resident + swapped memory (1 GiB resident in 4K pages:
 * 6 MiB).  Nothing else is held.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmdump.h"

struct snap_ent {
	uint64_t vpn;
	uint64_t val;		/* pfn, or swap offset */
	uint16_t flags;
	uint8_t type;
	uint8_t level;
	uint16_t stype;		/* swap type */
};

struct snap {
	struct snap_ent *e;
	size_t n, cap;
};

enum ev {
	EV_FAULT, EV_DIRTY, EV_CLEAN, EV_SWAPOUT, EV_SWAPIN, EV_FREE,
	EV_REMAP, EV_FLAGS, EV_NEW, EV_GONE, EV_N
};

static const char *const ev_name[EV_N] = {
	"faulted-in", "dirtied", "cleaned", "swapped-out", "swapped-in",
	"freed", "pfn-changed", "flags-changed", "new-entry", "entry-gone",
};
static const char *const ev_color[EV_N] = {
	C_GREEN, C_YELLOW, C_BLUE, C_MAGENTA, C_CYAN, C_RED, C_RED, C_DIM,
	C_DIM, C_DIM,
};

static bool is_frame(const struct snap_ent *e)
{
	return e->type == VMV_T_PAGE || e->type == VMV_T_ZERO || e->type == VMV_T_PFNMAP;
}

static int cmp_vpn(const void *a, const void *b)
{
	const struct snap_ent *x = a, *y = b;

	return x->vpn < y->vpn ? -1 : x->vpn > y->vpn;
}

static int take(struct vsrc *s, struct snap *sn)
{
	struct vmv_leaf l;
	bool sorted = true;
	int r;

	if (opt.has_range)
		r = vsrc_request(s, "pid=%ld start=0x%llx end=0x%llx mode=pages",
				 opt.pid, (unsigned long long)opt.start,
				 (unsigned long long)opt.end);
	else
		r = vsrc_request(s, "pid=%ld mode=pages", opt.pid);
	if (r)
		return r;
	sn->n = 0;
	while ((r = vsrc_next_leaf(s, &l)) > 0) {
		struct snap_ent *e;

		if (r == VSRC_BAD) {
			vsrc_report_bad(s);
			continue;
		}
		if (sn->n == sn->cap) {
			sn->cap = sn->cap ? sn->cap * 2 : 4096;
			sn->e = xrealloc(sn->e, sn->cap * sizeof(*sn->e));
		}
		e = &sn->e[sn->n++];
		e->vpn = l.start >> VMV_PAGE_SHIFT;
		e->val = l.has & HAS_SWAP ? l.swap_off : l.pfn;
		e->flags = (uint16_t)l.flags;
		e->type = (uint8_t)l.type;
		e->level = (uint8_t)l.level;
		e->stype = (uint16_t)l.swap_type;
		if (sn->n > 1 && e[-1].vpn >= e->vpn)
			sorted = false;
	}
	if (r < 0)
		return -r;
	if (!sorted)
		qsort(sn->e, sn->n, sizeof(*sn->e), cmp_vpn);
	return 0;
}

/* Consecutive events of one kind are printed as one range. */
static struct {
	bool on;
	enum ev ev;
	uint64_t vpn, pages, val, oldval;
	uint64_t count[EV_N];
	long interval;
} pend;

static void flush(void)
{
	char b[16];

	if (!pend.on)
		return;
	pend.on = false;
	if (opt.json) {
		printf("{\"type\":\"change\",\"interval\":%ld,\"event\":\"%s\","
		       "\"start\":\"0x%llx\",\"end\":\"0x%llx\",\"pages\":%llu,"
		       "\"first\":\"0x%llx\",\"old_first\":\"0x%llx\"}\n",
		       pend.interval, ev_name[pend.ev],
		       (unsigned long long)(pend.vpn << VMV_PAGE_SHIFT),
		       (unsigned long long)((pend.vpn + pend.pages) << VMV_PAGE_SHIFT),
		       (unsigned long long)pend.pages, (unsigned long long)pend.val,
		       (unsigned long long)pend.oldval);
		return;
	}
	printf("  %s%-13s%s %016llx-%016llx %6s", col(ev_color[pend.ev]),
	       ev_name[pend.ev], col(C_RESET),
	       (unsigned long long)(pend.vpn << VMV_PAGE_SHIFT),
	       (unsigned long long)((pend.vpn + pend.pages) << VMV_PAGE_SHIFT),
	       human(pend.pages * VMV_PAGE_SIZE, b, sizeof(b)));
	switch (pend.ev) {
	case EV_FAULT: case EV_DIRTY: case EV_CLEAN: case EV_FLAGS:
		printf("  pfn %llx", (unsigned long long)pend.val);
		break;
	case EV_SWAPOUT:
		printf("  pfn %llx -> swap slot %llx", (unsigned long long)pend.oldval,
		       (unsigned long long)pend.val);
		break;
	case EV_SWAPIN:
		printf("  swap slot %llx -> pfn %llx", (unsigned long long)pend.oldval,
		       (unsigned long long)pend.val);
		break;
	case EV_REMAP:
		printf("  pfn %llx -> %llx (COW or migration)",
		       (unsigned long long)pend.oldval, (unsigned long long)pend.val);
		break;
	case EV_FREE:
		printf("  was pfn %llx", (unsigned long long)pend.oldval);
		break;
	default:
		break;
	}
	fputc('\n', stdout);
}

static void event(enum ev ev, const struct snap_ent *o, const struct snap_ent *n)
{
	const struct snap_ent *e = n ? n : o;
	uint64_t pages = level_pages(e->level);

	pend.count[ev] += pages;
	if (pend.on && pend.ev == ev && pend.vpn + pend.pages == e->vpn) {
		pend.pages += pages;
		return;
	}
	flush();
	pend.on = true;
	pend.ev = ev;
	pend.vpn = e->vpn;
	pend.pages = pages;
	pend.val = n ? n->val : 0;
	pend.oldval = o ? o->val : 0;
}

static void compare(const struct snap_ent *o, const struct snap_ent *n)
{
	if (!o) {
		event(is_frame(n) ? EV_FAULT : EV_NEW, NULL, n);
		return;
	}
	if (!n) {
		event(is_frame(o) ? EV_FREE : EV_GONE, o, NULL);
		return;
	}
	if (is_frame(o) && n->type == VMV_T_SWAP) {
		event(EV_SWAPOUT, o, n);
	} else if (o->type == VMV_T_SWAP && is_frame(n)) {
		event(EV_SWAPIN, o, n);
	} else if (is_frame(o) && is_frame(n)) {
		if (o->val != n->val || o->level != n->level)
			event(EV_REMAP, o, n);
		else if (!(o->flags & VMV_F_DIRTY) && (n->flags & VMV_F_DIRTY))
			event(EV_DIRTY, o, n);
		else if ((o->flags & VMV_F_DIRTY) && !(n->flags & VMV_F_DIRTY))
			event(EV_CLEAN, o, n);
		else if ((o->flags ^ n->flags) & ~(VMV_F_ACCESSED))
			event(EV_FLAGS, o, n);
	} else if (o->type != n->type || o->val != n->val || o->stype != n->stype) {
		event(is_frame(n) ? EV_FAULT : EV_NEW, o, n);
	}
}

static void diff(const struct snap *a, const struct snap *b)
{
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		if (j >= b->n || (i < a->n && a->e[i].vpn < b->e[j].vpn)) {
			compare(&a->e[i++], NULL);
		} else if (i >= a->n || b->e[j].vpn < a->e[i].vpn) {
			compare(NULL, &b->e[j++]);
		} else {
			compare(&a->e[i++], &b->e[j++]);
		}
	}
	flush();
}

static void counts(const struct snap *sn, uint64_t *present, uint64_t *swapped)
{
	size_t i;

	*present = *swapped = 0;
	for (i = 0; i < sn->n; i++) {
		if (is_frame(&sn->e[i]))
			*present += level_pages(sn->e[i].level);
		else if (sn->e[i].type == VMV_T_SWAP)
			(*swapped)++;
	}
}

static void sleep_interval(void)
{
	struct timespec ts;

	ts.tv_sec = (time_t)opt.interval;
	ts.tv_nsec = (long)((opt.interval - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int cmd_watch(void)
{
	struct snap a = { 0 }, b = { 0 }, t;
	struct vsrc s;
	uint64_t present, swapped;
	char b1[16], b2[16];
	long i;
	int r, k;

	r = vsrc_open(&s, "pages", opt.pid);
	if (r)
		return r;
	r = take(&s, &a);
	if (r)
		goto out;
	counts(&a, &present, &swapped);
	if (opt.json) {
		json_begin("watch");
		printf("{\"type\":\"interval\",\"interval\":0,\"present\":%llu,"
		       "\"swapped\":%llu,\"entries\":%zu}\n",
		       (unsigned long long)present, (unsigned long long)swapped, a.n);
	} else {
		printf("%swatching process %ld every %gs: %s present, %s swapped "
		       "(%zu leaves held, %zu KiB)%s\n", col(C_BOLD), opt.pid,
		       opt.interval, human(present * VMV_PAGE_SIZE, b1, sizeof(b1)),
		       human(swapped * VMV_PAGE_SIZE, b2, sizeof(b2)), a.n,
		       a.n * sizeof(*a.e) / 1024, col(C_RESET));
	}
	fflush(stdout);
	for (i = 1; opt.count < 0 || i <= opt.count; i++) {
		sleep_interval();
		s.gone_is_exit = true;
		r = take(&s, &b);
		if (r)
			goto out;
		memset(pend.count, 0, sizeof(pend.count));
		pend.interval = i;
		diff(&a, &b);
		counts(&b, &present, &swapped);
		if (opt.json) {
			printf("{\"type\":\"interval\",\"interval\":%ld,\"present\":%llu,"
			       "\"swapped\":%llu,\"entries\":%zu", i,
			       (unsigned long long)present, (unsigned long long)swapped, b.n);
			for (k = 0; k < EV_N; k++)
				printf(",\"%s\":%llu", ev_name[k],
				       (unsigned long long)pend.count[k]);
			printf("}\n");
		} else {
			time_t now = time(NULL);
			struct tm tm;
			bool any = false;

			localtime_r(&now, &tm);
			printf("%s[%02d:%02d:%02d] #%ld: %s present, %s swapped",
			       col(C_BOLD), tm.tm_hour, tm.tm_min, tm.tm_sec, i,
			       human(present * VMV_PAGE_SIZE, b1, sizeof(b1)),
			       human(swapped * VMV_PAGE_SIZE, b2, sizeof(b2)));
			for (k = 0; k < EV_N; k++) {
				if (!pend.count[k])
					continue;
				printf("%s %s %llu", any ? "," : ";", ev_name[k],
				       (unsigned long long)pend.count[k]);
				any = true;
			}
			printf("%s%s\n", any ? "" : "; no change", col(C_RESET));
		}
		fflush(stdout);
		t = a;
		a = b;
		b = t;
	}
	r = 0;
out:
	free(a.e);
	free(b.e);
	vsrc_close(&s);
	return r;
}
