// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: the vmas file, one line per VMA with what its page tables hold.
 */
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/hugetlb.h>
#include <linux/shmem_fs.h>
#include <linux/limits.h>
#include <linux/mount.h>
#include "vmview.h"

/* Room for a line: the fixed part and the longest path. */
#define VMV_VMA_LINE_MAX	(VMV_LINE_MAX + PATH_MAX)

struct vmv_vmas_state {
	bool open;		/* counting a VMA */
	unsigned long vm_start;	/* its vm_start */
	unsigned long start;	/* first address counted (clipped) */
	unsigned long rss, dirty, swap, huge;
	struct vmv_leaf run;	/* pending run of the walk */
	char path[PATH_MAX];
};

/*
 * Shared memory with no name in any mounted filesystem: shared anonymous
 * mappings, SysV segments and memfds live on the kernel's internal shmem
 * mount.  A tmpfs file someone mounted is a shared file like any other.
 */
static bool vmv_file_is_shm(struct file *file)
{
	return shmem_file(file) && (file->f_path.mnt->mnt_flags & MNT_INTERNAL);
}

static const char *vmv_vma_kind(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	const char *name = NULL;

	if (vma->vm_ops && vma->vm_ops->name)
		name = vma->vm_ops->name(vma);
	if (name)
		return !strcmp(name, "[vdso]") ? "vdso" :
		       !strcmp(name, "[vvar]") ? "vvar" : "special";
	if (is_vm_hugetlb_page(vma))
		return "hugetlb";
	if (vma->vm_flags & (VM_PFNMAP | VM_IO))
		return "pfnmap";
	if (vma->vm_file) {
		if (vma->vm_flags & VM_MAYSHARE)
			return vmv_file_is_shm(vma->vm_file) ? "shm" : "shared";
		if (vma->vm_flags & VM_EXEC)
			return "code";
		return vma->vm_flags & VM_WRITE ? "data" : "rodata";
	}
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "heap";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "stack";
	return "anon";
}

/* Called under a page table lock: count only. */
static int vmv_vmas_emit(struct vmv_walk *w, const struct vmv_leaf *l)
{
	struct vmv_file *f = w->priv;
	struct vmv_vmas_state *s = f->state;
	unsigned long n = (l->end - l->addr) >> PAGE_SHIFT;

	switch (l->type) {
	case VMV_T_PAGE:
	case VMV_T_ZERO:
	case VMV_T_PFNMAP:
		s->rss += n;
		if (l->flags & VMV_F_DIRTY)
			s->dirty += n;
		if (l->level != VMV_L_PTE)
			s->huge += n;
		break;
	case VMV_T_SWAP:
		s->swap += n;
		break;
	}
	return 0;
}

static int vmv_vma_begin(struct vmv_file *f, struct vm_area_struct *vma)
{
	struct vmv_vmas_state *s = f->state;

	if (vmv_room(f) < VMV_VMA_LINE_MAX)
		return VMV_STOP;
	if (s->open && s->vm_start == vma->vm_start)
		return 0;	/* resuming it after a lock drop */
	/* A run still pending belongs to a VMA that went away meanwhile. */
	s->run.type = 0;
	s->open = true;
	s->vm_start = vma->vm_start;
	s->start = max(f->cursor, vma->vm_start);
	s->rss = 0;
	s->dirty = 0;
	s->swap = 0;
	s->huge = 0;
	return 0;
}

static void vmv_vma_print_path(struct vmv_file *f, struct vm_area_struct *vma)
{
	struct vmv_vmas_state *s = f->state;
	char *p = d_path(&vma->vm_file->f_path, s->path, sizeof(s->path));
	char *c;

	if (IS_ERR(p)) {
		vmv_printf(f, " off=0x%llx file=?",
			   (u64)vma->vm_pgoff << PAGE_SHIFT);
		return;
	}
	for (c = p; *c; c++)	/* one record per line, whatever the name */
		if (*c < ' ' || *c == 0x7f)
			*c = '?';
	vmv_printf(f, " off=0x%llx file=%s", (u64)vma->vm_pgoff << PAGE_SHIFT,
		   p);
}

static int vmv_vma_done(struct vmv_file *f, struct vm_area_struct *vma)
{
	struct vmv_vmas_state *s = f->state;
	vm_flags_t fl = vma->vm_flags;

	vmv_printf(f, "0x%016lx-0x%016lx %c%c%c%c %s vsize=%lu rss=%lu dirty=%lu swap=%lu huge=%lu",
		   s->start, f->cursor,
		   fl & VM_READ ? 'r' : '-', fl & VM_WRITE ? 'w' : '-',
		   fl & VM_EXEC ? 'x' : '-', fl & VM_MAYSHARE ? 's' : 'p',
		   vmv_vma_kind(vma), (f->cursor - s->start) >> PAGE_SHIFT,
		   s->rss, s->dirty, s->swap, s->huge);
	if (vma->vm_file)
		vmv_vma_print_path(f, vma);
	vmv_printf(f, "\n");
	s->open = false;
	return 0;
}

static int vmv_vmas_begin(struct vmv_file *f)
{
	int ret = vmv_mm_begin(f);

	if (ret)
		return ret;
	f->cursor = f->req.start;
	vmv_printf(f, "# vmview vmas %d pid=%d start=0x%lx end=0x%lx\n",
		   VMVIEW_FORMAT_VERSION, pid_vnr(f->req.pid), f->req.start,
		   f->req.end);
	return 0;
}

static int vmv_vmas_fill(struct vmv_file *f)
{
	struct vmv_vmas_state *s = f->state;
	struct vmv_walk w = {
		.emit = vmv_vmas_emit,
		.priv = f,
		.run = &s->run,
		.merge = true,
	};
	int ret;

	if (f->cursor >= f->req.end)
		return 1;
	ret = vmv_walk_chunk(f, &w, f->req.end, vmv_vma_begin, vmv_vma_done);
	if (ret)
		return ret < 0 ? ret : 0;
	return 1;
}

const struct vmv_view vmv_vmas_view = {
	.name = "vmas",
	.mode = 0600,
	.keys = VMV_K_PID | VMV_K_RANGE,
	.begin = vmv_vmas_begin,
	.fill = vmv_vmas_fill,
	.end = vmv_mm_end,
	.state_size = sizeof(struct vmv_vmas_state),
};
