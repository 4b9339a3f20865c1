/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmview: internal interfaces between the module's files.
 */
#ifndef _VMVIEW_H
#define _VMVIEW_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb_inline.h>
#include <uapi/vmview.h>

#define VMV_BUF_SIZE	(64 * 1024)	/* per open file, whatever the target */
#define VMV_LINE_MAX	256		/* longest line but for vmas' paths */
#define VMV_REQ_MAX	255		/* longest request */
#define VMV_STOP	1		/* walker: stopped early, resume at ->next */
#define VMV_BUDGET	8192		/* table entries visited per lock hold */
#define VMV_STEPS_MAX	64		/* lock holds per read() with output */

/* Request keys; each view says which it takes. */
#define VMV_K_PID	BIT(0)
#define VMV_K_RANGE	BIT(1)
#define VMV_K_MODE	BIT(2)
#define VMV_K_ADDR	BIT(3)
#define VMV_K_BYTES	BIT(4)
#define VMV_K_FORMAT	BIT(5)

#define VMV_BYTES_MAX	256

/**
 * struct vmv_leaf - one decoded leaf entry, clipped to the walked range
 * @addr: first virtual address covered
 * @end: end of the covered range (exclusive)
 * @pfn: frame of @addr (present, migration, device, hwpoison) or, for
 *	swap, the swap offset of @addr
 * @off: byte offset of @addr in the backing file (@src == VMV_SRC_FILE)
 * @flags: VMV_F_* bits
 * @mapcount: mapcount of the page, -1 when no struct page is used
 * @level: enum vmv_level
 * @type: enum vmv_type
 * @swap_type: swap device index, for VMV_T_SWAP
 * @src: enum vmv_src_kind
 * @marker: enum vmv_marker_kind, for VMV_T_MARKER
 * @excl: anonymous page exclusive to this mm
 * @write: writable migration or device entry
 * @vma_start: vm_start of the VMA it belongs to (runs stay in one VMA)
 */
struct vmv_leaf {
	unsigned long addr;
	unsigned long end;
	unsigned long vma_start;
	u64 pfn;
	u64 off;
	u32 flags;
	int mapcount;
	u8 level;
	u8 type;
	u8 swap_type;
	u8 src;
	u8 marker;
	bool excl;
	bool write;
};

struct vmv_walk;
typedef int (*vmv_emit_fn)(struct vmv_walk *w, const struct vmv_leaf *run);

/**
 * struct vmv_walk - state of one pass over part of a user address space
 * @mm: the address space, mmget() and mmap read lock held while walking
 * @vma: the VMA being walked
 * @emit: sink, called for every complete run of leaves (every leaf when
 *	!@merge), possibly under a page table lock: it must not sleep.
 *	Returns 0 to go on, VMV_STOP when it cannot take the run now (the
 *	walk then stops and the run stays pending).
 * @priv: the sink's data
 * @run: the pending run, kept by the caller across chunks; ->type == 0:
 *	none
 * @merge: merge leaves into runs (else one run per leaf)
 * @next: after a VMV_STOP, where to resume
 * @budget: table entries that may still be visited in this lock hold
 * @fast: @run may be continued without a full decode: VMV_L_PTE when
 *	its last leaf was a present PTE or a swap entry, VMV_L_PMD when it
 *	was a present huge PMD; 0 when not
 * @fast_val: the raw value of that last entry
 * @fast_up: the effective upper permissions it was decoded under
 */
struct vmv_walk {
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	vmv_emit_fn emit;
	void *priv;
	struct vmv_leaf *run;
	bool merge;
	unsigned long next;
	long budget;
	u8 fast;
	u64 fast_val;
	u32 fast_up;
};

/* A request as written to an open file, or the defaults. */
struct vmv_req {
	struct pid *pid;
	unsigned long start;
	unsigned long end;
	unsigned long addr;
	unsigned int bytes;
	bool per_page;
	bool binary;
};

struct vmv_file;

/**
 * struct vmv_view - one debugfs file
 * @name: file name
 * @mode: file mode
 * @keys: VMV_K_* keys its requests may use
 * @begin: start a pass: print the version line, take what the pass needs
 * @fill: produce more output into the buffer; 0 when there may be more,
 *	1 when the pass is complete, -errno on failure
 * @end: release what @begin took; called once per begun pass; may be NULL
 * @state_size: bytes of per-file state the view needs
 */
struct vmv_view {
	const char *name;
	umode_t mode;
	unsigned int keys;
	int (*begin)(struct vmv_file *f);
	int (*fill)(struct vmv_file *f);
	void (*end)(struct vmv_file *f);
	size_t state_size;
};

/**
 * struct vmv_file - one open file
 * @view: which file
 * @lock: serialises read, write and llseek on this open file
 * @req: the request in force
 * @buf: pending output
 * @len: bytes in @buf
 * @pos: bytes of @buf already copied out
 * @begun: a pass has begun
 * @done: the pass is complete (or failed: @err)
 * @err: error to report once @buf is drained
 * @mm: the target's mm for this pass (mmgrab() held), or NULL
 * @cursor: where the pass resumes
 * @state: the view's own state, @view->state_size bytes
 */
struct vmv_file {
	const struct vmv_view *view;
	struct mutex lock;	/* serialises read, write, llseek */
	struct vmv_req req;
	char *buf;
	size_t len;
	size_t pos;
	bool begun;
	bool done;
	int err;
	struct mm_struct *mm;
	unsigned long cursor;
	void *state;
};

/* main.c */
__printf(2, 3) void vmv_printf(struct vmv_file *f, const char *fmt, ...);
size_t vmv_room(const struct vmv_file *f);
void vmv_puts(struct vmv_file *f, const char *str);
void vmv_puthex(struct vmv_file *f, u64 v, int width);
void vmv_putdec(struct vmv_file *f, u64 v);

/* request.c */
int vmv_req_parse(struct vmv_req *req, unsigned int keys, char *text);
int vmv_pid_check(struct pid *pid);
struct pid *vmv_target_get(void);
int vmv_target_set(const char *text);
void vmv_target_exit(void);
void vmv_req_release(struct vmv_req *req);
unsigned long vmv_user_top(void);

/* pages.c */
int vmv_pages_emit(struct vmv_walk *w, const struct vmv_leaf *run);

/* walk.c */
int vmv_mm_begin(struct vmv_file *f);
void vmv_mm_end(struct vmv_file *f);
int vmv_walk_chunk(struct vmv_file *f, struct vmv_walk *w, unsigned long end,
		   int (*vma_begin)(struct vmv_file *f,
				    struct vm_area_struct *vma),
		   int (*vma_done)(struct vmv_file *f,
				   struct vm_area_struct *vma));
int vmv_walk_vma(struct vmv_walk *w, struct vm_area_struct *vma,
		 unsigned long start, unsigned long end);
int vmv_walk_flush(struct vmv_walk *w);
bool vmv_pud_is_leaf(struct vm_area_struct *vma, pud_t pud);

/**
 * vmv_pmd_is_leaf() - does this PMD map memory itself (or say where it went)?
 * @vma: the VMA it belongs to
 * @pmd: snapshot of the entry, not none
 *
 * Inline: the walker asks it of every PMD entry.
 *
 * Context: any.
 * Return: true for a THP, devmap, hugetlb or migration entry; false for a
 * PTE table.
 */
static inline bool vmv_pmd_is_leaf(struct vm_area_struct *vma, pmd_t pmd)
{
	return is_vm_hugetlb_page(vma) || pmd_trans_huge(pmd) ||
	       pmd_devmap(pmd) || is_swap_pmd(pmd);
}

/* leaf.c */
u32 vmv_eff(u32 up, u64 val);
u32 vmv_top_eff(pgd_t *pgdp);
enum vmv_entry_kind { VMV_E_PTE, VMV_E_HUGE, VMV_E_TABLE };
u32 vmv_entry_flags(u64 val, int kind);
u32 vmv_leaf_flags(u64 val, int kind, u32 up);
void vmv_leaf_pte(struct vmv_leaf *l, struct vm_area_struct *vma,
		  pte_t pte, u32 up);
void vmv_leaf_huge(struct vmv_leaf *l, struct vm_area_struct *vma,
		   u64 val, u32 up, int level);
void vmv_flags_str(char *s, u32 flags);
const char *vmv_type_name(unsigned int type);
const char *vmv_level_name(unsigned int level);
void vmv_leaf_print_tail(struct vmv_file *f, const struct vmv_leaf *l,
			 unsigned long pages);

/* layout.c */
/**
 * struct vmv_region - a named range of the address space
 * @name: its name in the layout and kernel files
 * @start: first address
 * @end: end (exclusive)
 * @max_lines: lines the kernel file prints for it at most (0: no limit)
 */
struct vmv_region {
	const char *name;
	unsigned long start;
	unsigned long end;
	unsigned int max_lines;
};

#define VMV_REGIONS_MAX	20
int vmv_regions(struct vmv_region *r, bool measure);
const char *vmv_pti(void);
int vmv_levels(void);

/* kernel.c */
struct vmv_kwalk;
typedef int (*vmv_kleaf_fn)(struct vmv_kwalk *kw, unsigned long addr,
			    unsigned long end, int level, u32 flags);

/**
 * struct vmv_kmemo - a table known to hold one uniform run
 * @pfn: the table's frame (0: none)
 * @up: the effective permissions it was walked under
 * @level: level of the leaves in it
 * @flags: their flags
 */
struct vmv_kmemo {
	unsigned long pfn;
	u32 up;
	int level;
	u32 flags;
};

/**
 * struct vmv_kwalk - a pass over the kernel half of the page tables
 * @leaf: sink for each present leaf (or uniform range of leaves);
 *	VMV_STOP stops before it
 * @priv: the sink's data
 * @next: after VMV_STOP, where to resume
 * @budget: entries that may still be visited before a break
 * @seg_start: start of the run of equal leaves the walk is in
 * @seg_end: its end
 * @seg_level: its leaves' level
 * @seg_flags: their flags
 * @memo: per level of the entry pointing to it, the last table found
 *	to hold one uniform run
 */
struct vmv_kwalk {
	vmv_kleaf_fn leaf;
	void *priv;
	unsigned long next;
	long budget;
	unsigned long seg_start, seg_end;
	int seg_level;
	u32 seg_flags;
	struct vmv_kmemo memo[VMV_L_PGD + 1];
};

int vmv_kwalk_range(struct vmv_kwalk *kw, unsigned long start,
		    unsigned long end);
unsigned long vmv_kernel_start(void);

extern const struct vmv_view vmv_pages_view;
extern const struct vmv_view vmv_vmas_view;
extern const struct vmv_view vmv_translate_view;
extern const struct vmv_view vmv_layout_view;
extern const struct vmv_view vmv_kernel_view;

#endif /* _VMVIEW_H */
