// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: the pages file, one line per run of leaves (or per leaf).
 *
 * One sink, as in ptdump: a pending run grows while the next leaf
 * continues it and is printed when one does not.
 */
#include <linux/mm.h>
#include "vmview.h"

/* The binary layout is ABI: no padding, no surprises between compilers. */
static_assert(sizeof(struct vmv_bin_header) == 48);
static_assert(sizeof(struct vmv_bin_rec) == 48);

struct vmv_pages_state {
	struct vmv_leaf run;	/* pending run; run.type == 0: none */
};

static void vmv_pages_record(struct vmv_file *f, const struct vmv_leaf *l)
{
	struct vmv_bin_rec *r = (struct vmv_bin_rec *)(f->buf + f->len);

	r->start = l->addr;
	r->pages = (l->end - l->addr) >> PAGE_SHIFT;
	r->pfn = l->pfn;
	r->off = l->off;
	r->flags = l->flags;
	r->mapcount = l->mapcount;
	r->level = l->level;
	r->type = l->type;
	r->src = l->src;
	r->swap_type = l->swap_type;
	r->marker = l->marker;
	r->bits = (l->excl ? VMV_B_EXCL : 0) | (l->write ? VMV_B_WRITE : 0);
	r->reserved = 0;
	f->len += sizeof(*r);
}

static void vmv_pages_print(struct vmv_file *f, const struct vmv_leaf *l)
{
	char flags[VMV_F_NFLAGS + 1];

	if (f->req.binary) {
		vmv_pages_record(f, l);
		return;
	}
	vmv_flags_str(flags, l->flags);
	vmv_puthex(f, l->addr, 16);
	vmv_puts(f, "-");
	vmv_puthex(f, l->end, 16);
	vmv_puts(f, " ");
	vmv_puts(f, vmv_level_name(l->level));
	vmv_puts(f, " ");
	vmv_puts(f, vmv_type_name(l->type));
	vmv_puts(f, " ");
	vmv_puts(f, flags);
	vmv_leaf_print_tail(f, l, (l->end - l->addr) >> PAGE_SHIFT);
	vmv_puts(f, "\n");
}

/**
 * vmv_pages_emit() - the pages file's sink: print one run
 * @w: walk state; ->priv is the open file
 * @run: the complete run
 *
 * Not static so that the walker can call it directly (INDIRECT_CALL_1()):
 * it is the sink of the hot path.
 *
 * Context: may run under a page table lock: formats only.
 * Return: 0, or VMV_STOP when the buffer has no room for a line.
 */
int vmv_pages_emit(struct vmv_walk *w, const struct vmv_leaf *run)
{
	struct vmv_file *f = w->priv;

	if (vmv_room(f) < VMV_LINE_MAX)
		return VMV_STOP;
	vmv_pages_print(f, run);
	return 0;
}

static void vmv_pages_bin_header(struct vmv_file *f)
{
	struct vmv_bin_header *h = (struct vmv_bin_header *)f->buf;

	memset(h, 0, sizeof(*h));
	h->magic = VMV_BIN_MAGIC;
	h->version = VMVIEW_FORMAT_VERSION;
	h->rec_size = sizeof(struct vmv_bin_rec);
	h->hdr_size = sizeof(*h);
	h->pid = pid_vnr(f->req.pid);
	h->levels = vmv_levels();
	h->per_page = f->req.per_page;
	h->start = f->req.start;
	h->end = f->req.end;
	f->len = sizeof(*h);
}

static int vmv_pages_begin(struct vmv_file *f)
{
	int ret = vmv_mm_begin(f);

	if (ret)
		return ret;
	f->cursor = f->req.start;
	if (f->req.binary) {
		vmv_pages_bin_header(f);
		return 0;
	}
	vmv_printf(f, "# vmview pages %d pid=%d start=0x%lx end=0x%lx mode=%s levels=%d\n",
		   VMVIEW_FORMAT_VERSION, pid_vnr(f->req.pid), f->req.start,
		   f->req.end, f->req.per_page ? "pages" : "runs",
		   vmv_levels());
	return 0;
}

static int vmv_pages_fill(struct vmv_file *f)
{
	struct vmv_pages_state *s = f->state;
	struct vmv_walk w = {
		.emit = vmv_pages_emit,
		.priv = f,
		.run = &s->run,
		.merge = !f->req.per_page,
	};
	int ret;

	if (f->cursor < f->req.end) {
		ret = vmv_walk_chunk(f, &w, f->req.end, NULL, NULL);
		if (ret)
			return ret < 0 ? ret : 0;
	}
	return vmv_walk_flush(&w) ? 0 : 1;
}

const struct vmv_view vmv_pages_view = {
	.name = "pages",
	.mode = 0600,
	.keys = VMV_K_PID | VMV_K_RANGE | VMV_K_MODE | VMV_K_FORMAT,
	.begin = vmv_pages_begin,
	.fill = vmv_pages_fill,
	.end = vmv_mm_end,
	.state_size = sizeof(struct vmv_pages_state),
};
