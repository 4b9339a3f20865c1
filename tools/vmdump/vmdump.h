/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmdump: shared declarations.
 *
 *   main.c       options, dispatch, usage, exit codes
 *   source.c     open a vmview file, write a request, stream its lines
 *                (or the binary records of `pages`)
 *   parse.c      one parser per line kind, and for the binary header and
 *                record (never trusts its input)
 *   util.c       numbers, human sizes, colour, JSON strings, VMA table
 *   summary.c    vmdump [summary] PID
 *   pages.c      vmdump pages PID
 *   translate.c  vmdump translate PID ADDR
 *   layout.c     vmdump layout [PID]
 *   map.c        vmdump map PID
 *   watch.c      vmdump watch PID
 *   check.c      vmdump check PID
 */
#ifndef VMDUMP_H
#define VMDUMP_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdbool.h>

#include "vmview.h"

#ifndef VMDUMP_VERSION
#define VMDUMP_VERSION		"unknown"	/* from the top-level VERSION file */
#endif
#define VMDUMP_JSON_VERSION	1
#define VMV_PAGE_SHIFT		12
#define VMV_PAGE_SIZE		4096ULL

/* Exit codes: documented in docs/vmdump.md and docs/vmdump.1. */
enum {
	EX_OK		= 0,
	EX_DIFFER	= 1,	/* check: vmview and pagemap disagree */
	EX_USAGE	= 2,	/* bad command, option, PID, address, range */
	EX_NODEBUGFS	= 3,	/* debugfs not mounted */
	EX_NOMODULE	= 4,	/* vmview.ko not loaded */
	EX_NOPERM	= 5,	/* not root / lockdown */
	EX_NOPROC	= 6,	/* no such process */
	EX_KTHREAD	= 7,	/* a kernel thread: no user address space */
	EX_ZOMBIE	= 8,	/* a zombie or exiting process */
	EX_EXITED	= 9,	/* the process exited during the dump */
	EX_FORMAT	= 10,	/* the module's output is not what interface.md says */
	EX_SYSTEM	= 11,	/* any other system error (I/O, memory) */
};

/* ---- options (main.c) ---- */

enum cmd {
	CMD_NONE, CMD_SUMMARY, CMD_PAGES, CMD_TRANSLATE, CMD_LAYOUT,
	CMD_MAP, CMD_WATCH, CMD_CHECK, CMD_HELP,
};

/* --only selectors */
enum {
	ONLY_PRESENT	= 1 << 0,
	ONLY_DIRTY	= 1 << 1,
	ONLY_ACCESSED	= 1 << 2,
	ONLY_SWAPPED	= 1 << 3,
	ONLY_HUGE	= 1 << 4,
	ONLY_FILE	= 1 << 5,
	ONLY_ANON	= 1 << 6,
	ONLY_SHARED	= 1 << 7,
};

struct opts {
	enum cmd cmd;
	long pid;		/* -1: none given */
	uint64_t addr;		/* translate */
	bool has_range;
	uint64_t start, end;	/* --range, page aligned */
	unsigned only;		/* ONLY_* (all must hold) */
	bool per_page;
	bool json;
	bool color;
	double interval;	/* watch */
	long count;		/* watch: -1 forever */
	int bytes;		/* translate: bytes to show */
	int width;		/* map: cells per line */
	int verbose;
	bool text_pages;	/* --text-pages: read `pages` as text */
	const char *root;	/* the vmview directory */
};

extern struct opts opt;
extern const char *prog;

/* ---- parse.c: one struct per line kind ---- */

/* What the version line (or the binary pages header) said. */
struct vmv_header {
	char file[16];
	int version;
	long pid;		/* -1 if absent */
	int levels;		/* 4 or 5, 0 if absent */
	int pti;		/* 1 on, 0 off, -1 absent */
	uint64_t start, end, addr;
	char mode[8];
	unsigned hdr_size;	/* binary only: header and record sizes */
	unsigned rec_size;
};

enum vmv_src { SRC_NONE, SRC_ANON, SRC_FILE };

enum {
	HAS_PFN		= 1 << 0,
	HAS_SWAP	= 1 << 1,
	HAS_OFF		= 1 << 2,
	HAS_MAP		= 1 << 3,
	HAS_EXCL	= 1 << 4,
	HAS_WRITE	= 1 << 5,
	HAS_MARKER	= 1 << 6,
	HAS_PHYS	= 1 << 7,
	HAS_DIRECTMAP	= 1 << 8,
	HAS_FLAGS	= 1 << 9,
	HAS_TYPE	= 1 << 10,
};

/* A `pages` line. */
struct vmv_leaf {
	uint64_t start, end;
	int level;			/* enum vmv_level */
	int type;			/* enum vmv_type, 0 = unknown name */
	unsigned flags;			/* VMV_F_* */
	uint64_t pages;
	uint64_t pfn;
	unsigned swap_type;
	uint64_t swap_off;
	int src;			/* enum vmv_src */
	uint64_t off;
	long map;
	char marker[16];
	unsigned has;			/* HAS_* */
};

#define VMV_PATH_MAX 4096

/* A `vmas` line.  path points into the parsed line (not NUL-terminated). */
struct vmv_vma {
	uint64_t start, end;
	char perms[5];
	char kind[12];
	uint64_t vsize, rss, dirty, swap, huge;
	bool has_off;
	uint64_t off;
	const char *path;
	size_t path_len;
};

/* `translate` lines. */
enum { TL_HEAD = 1, TL_LEVEL, TL_RESULT, TL_BYTES };

struct vmv_tline {
	int kind;
	/* TL_HEAD */
	uint64_t va, vpn, offset, pgd_phys;
	/* TL_LEVEL */
	int level;			/* enum vmv_level; RESULT: level stopped at */
	bool folded;
	unsigned index;
	uint64_t entry;
	unsigned flags;
	/* TL_RESULT */
	char stop[16];
	int type;
	uint64_t pfn, phys, directmap;
	int src;
	long map;
	unsigned swap_type;
	uint64_t swap_off;
	unsigned has;			/* HAS_* */
	uint64_t user_entry;		/* PTI: the user copy of the pgd entry */
	bool has_user;
	/* TL_BYTES */
	bool unreadable;
	int nbytes;
	uint8_t bytes[256];
};

/* `layout` and `kernel` lines. */
enum { LL_VALUE = 1, LL_REGION, LL_TARGET, LL_LEAF };

struct vmv_lline {
	int kind;
	char name[32];			/* VALUE, REGION */
	uint64_t value;			/* VALUE */
	uint64_t start, end;		/* REGION, LEAF */
	long pid;			/* TARGET */
	uint64_t pgd_phys, user_pgd_phys;
	bool has_user_pgd;
	bool gone;			/* TARGET: state=gone */
	int level;			/* LEAF */
	unsigned flags;
	uint64_t pages;
};

int parse_header(const char *line, struct vmv_header *h);
int parse_flags(const char *s, size_t n, unsigned *flags);
int parse_leaf(const char *line, struct vmv_leaf *l);
int parse_vma(const char *line, struct vmv_vma *v);
int parse_tline(const char *line, struct vmv_tline *t);
int parse_layout_line(const char *line, struct vmv_lline *l);
int parse_kernel_line(const char *line, struct vmv_lline *l);
int parse_bin_header(const void *p, size_t n, struct vmv_header *h,
		     const char **why);
int parse_bin_rec(const void *p, struct vmv_leaf *l);

int parse_hex(const char *s, size_t n, uint64_t *v);	/* 0x... */
int parse_dec(const char *s, size_t n, uint64_t *v);
int parse_num(const char *s, size_t n, uint64_t *v);	/* 0x... or decimal */
int level_from_name(const char *s, size_t n);
const char *level_name(int level);
int type_from_name(const char *s, size_t n);
const char *type_name(int type);
uint64_t level_pages(int level);

/* ---- source.c ---- */

struct vsrc {
	int fd;
	char file[16];
	long pid;
	struct vmv_header hdr;
	bool got_header;
	char *buf;
	size_t cap, len, pos;
	bool eof;
	unsigned long lines;	/* data lines, or binary records */
	bool replay;
	bool gone_is_exit;	/* ESRCH on a request: "exited", EX_EXITED */
	bool bin;		/* `pages` in binary form (format=bin) */
	const char *line;	/* vsrc_next_leaf(): the last text line */
	const char *rec;	/* vsrc_next_leaf(): the last binary record */
};

#define VSRC_BAD	2	/* vsrc_next_leaf(): a leaf that does not parse */

int vsrc_open(struct vsrc *s, const char *file, long pid);
int vsrc_request(struct vsrc *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vsrc_next(struct vsrc *s, const char **line);
int vsrc_next_leaf(struct vsrc *s, struct vmv_leaf *l);
void vsrc_report_bad(const struct vsrc *s);
void vsrc_close(struct vsrc *s);
int explain_pid(long pid, int err);
void progress_begin(const char *what);
void progress_tick(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void progress_end(void);

/* ---- util.c ---- */

char *human(uint64_t bytes, char *buf, size_t n);
const char *flag_names(unsigned flags, char *buf, size_t n);
void flags_string(unsigned flags, char out[VMV_F_NFLAGS + 1]);
void json_str(FILE *f, const char *s, size_t n);
void json_flags(FILE *f, unsigned flags);
void safe_print(FILE *f, const char *s, size_t n);
const char *col(const char *code);	/* "" when colour is off */
void json_begin(const char *command);
int parse_pid_arg(const char *s, long *pid);
int parse_addr_arg(const char *s, uint64_t *v);
int parse_range_arg(const char *s, uint64_t *start, uint64_t *end);
void *xrealloc(void *p, size_t n);
char *proc_comm(long pid, char *buf, size_t n);

#define C_RESET	"\033[0m"
#define C_BOLD	"\033[1m"
#define C_DIM	"\033[2m"
#define C_RED	"\033[31m"
#define C_GREEN	"\033[32m"
#define C_YELLOW "\033[33m"
#define C_BLUE	"\033[34m"
#define C_MAGENTA "\033[35m"
#define C_CYAN	"\033[36m"

/* The VMAs of a process, held in memory (at most ~65k). */
struct vma_ent {
	uint64_t start, end;
	char perms[5];
	char kind[12];
	uint64_t vsize, rss, dirty, swap, huge, off;
	bool has_off;
	char *path;			/* NULL: anonymous */
};

struct vma_table {
	struct vma_ent *v;
	size_t n, cap;
};

int vma_load(struct vma_table *t, long pid);
void vma_free(struct vma_table *t);
const struct vma_ent *vma_find(const struct vma_table *t, uint64_t addr);
const char *vma_label(const struct vma_ent *v, char *buf, size_t n);

/* ---- kinfo.c: the kernel's layout and its direct-map leaves ---- */

struct kregion {
	char name[32];
	uint64_t start, end;		/* end 0: the top of the address space */
};

struct kleaf {
	uint64_t start, end;
	int level;
	unsigned flags;
};

struct kinfo {
	int levels, pti;
	uint64_t task_size, page_offset_base, vmalloc_base, vmemmap_base;
	bool has_pob;
	struct kregion *reg;
	size_t nreg;
	long target_pid;
	uint64_t pgd_phys, user_pgd_phys;
	bool has_user_pgd, target_gone;
	struct kleaf *dm;		/* direct-map leaves, sorted */
	size_t ndm;
};

int kinfo_load(struct kinfo *k, long pid, bool directmap);
void kinfo_free(struct kinfo *k);
const struct kleaf *kinfo_directmap(const struct kinfo *k, uint64_t kva);

/* ---- commands ---- */

int cmd_summary(void);
int cmd_pages(void);
int cmd_translate(void);
int cmd_layout(void);
int cmd_map(void);
int cmd_watch(void);
int cmd_check(void);

#endif /* VMDUMP_H */
