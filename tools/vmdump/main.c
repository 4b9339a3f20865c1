// SPDX-License-Identifier: GPL-2.0
/*
 * vmdump: show a process's page tables through vmview.ko's debugfs files.
 *
 * This file: options, dispatch and help.  See vmdump.h for the others.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmdump.h"

struct opts opt = {
	.pid = -1,
	.interval = 1.0,
	.count = -1,
	.bytes = 64,
};
const char *prog = "vmdump";

static const struct command {
	const char *name;
	enum cmd cmd;
	const char *args;
	const char *what;
	const char *help;
} commands[] = {
	{ "summary", CMD_SUMMARY, "PID",
	  "every VMA with its resident/dirty/swapped/huge memory (the default)",
	  "  Lists the address space from the lowest VMA to the highest, with the\n"
	  "  gaps between them, and totals: virtual size against resident memory\n"
	  "  (demand paging and overcommit made visible).\n"
	  "\n"
	  "Examples:\n"
	  "  vmdump 1234                 same as `vmdump summary 1234`\n"
	  "  vmdump summary --json 1234  one JSON object per VMA\n" },
	{ "pages", CMD_PAGES, "PID",
	  "the leaf entries: PFN, physical and direct-map address, flags",
	  "  One row per run of consecutive leaves (or per leaf with --per-page):\n"
	  "  virtual range, VPN, PFN, physical address, the kernel's direct-map\n"
	  "  alias of the frame with the size of the kernel mapping that covers\n"
	  "  it, flags, swap slot and the VMA.\n"
	  "\n"
	  "Options:\n"
	  "  -r, --range START-END   only this range (END exclusive; also\n"
	  "                          START+SIZE, or one ADDR)\n"
	  "  -o, --only WHAT[,WHAT]  present dirty accessed swapped huge file\n"
	  "                          anon shared (all must hold)\n"
	  "  -p, --per-page          one row per leaf instead of per run\n"
	  "\n"
	  "Examples:\n"
	  "  vmdump pages 1234\n"
	  "  vmdump pages 1234 --only dirty,anon\n"
	  "  vmdump pages 1234 --range 0x7f0000000000+2M --per-page\n" },
	{ "translate", CMD_TRANSLATE, "PID ADDR",
	  "walk one address level by level and show its bytes",
	  "  Splits ADDR into its page-table indices, shows each level's entry\n"
	  "  and bits, the physical address, its direct-map alias, and the first\n"
	  "  bytes there (read through the direct map).\n"
	  "\n"
	  "Options:\n"
	  "  -b, --bytes N           bytes to show, 0..256 (default 64)\n"
	  "\n"
	  "Examples:\n"
	  "  vmdump translate 1234 0x7ffd5e3c1678\n"
	  "  vmdump translate --bytes 16 1234 0x55d0c0a3b000\n" },
	{ "layout", CMD_LAYOUT, "[PID]",
	  "the whole 64-bit address space, user and kernel, on a log scale",
	  "  One row per region, top of the address space first: the kernel's\n"
	  "  regions, the non-canonical hole, and user space (with PID: the\n"
	  "  process's mappings grouped by file/kind).  The bar is log2(size).\n"
	  "\n"
	  "Examples:\n"
	  "  vmdump layout\n"
	  "  vmdump layout 1234\n" },
	{ "map", CMD_MAP, "PID",
	  "a picture: every VMA as a strip of cells coloured by page state",
	  "  Each cell is a group of pages (power of two, so a VMA fits in a few\n"
	  "  lines) showing the state most of its pages are in:\n"
	  "    .  not present   r  present, clean   D  present, dirty\n"
	  "    s  swapped       H  huge (2M/1G leaf)\n"
	  "\n"
	  "Options:\n"
	  "  -w, --width N           cells per line (default 64)\n"
	  "\n"
	  "Examples:\n"
	  "  vmdump map 1234\n"
	  "  vmdump map --color never 1234 | less\n" },
	{ "watch", CMD_WATCH, "PID",
	  "re-walk every interval and print the pages that changed",
	  "  Prints pages faulted in, dirtied, cleaned, swapped out and in,\n"
	  "  freed, and remapped to another frame (COW, migration).  Keeps the\n"
	  "  previous walk in memory: 24 bytes per mapped leaf.\n"
	  "\n"
	  "Options:\n"
	  "  -i, --interval SECONDS  time between walks (default 1, fractions ok)\n"
	  "  -n, --count N           stop after N intervals\n"
	  "  -r, --range START-END   only this range\n"
	  "\n"
	  "Examples:\n"
	  "  vmdump watch 1234\n"
	  "  vmdump watch -i 0.5 -n 10 1234\n" },
	{ "check", CMD_CHECK, "PID",
	  "compare vmview with /proc/PID/pagemap page by page",
	  "  For every page of every VMA: presence, PFN, swap type and offset\n"
	  "  must agree.  Mismatches are re-checked once (the target may be\n"
	  "  running).  Exit status 0 on full agreement, 1 otherwise.\n"
	  "\n"
	  "Options:\n"
	  "  -r, --range START-END   only this range\n"
	  "\n"
	  "Examples:\n"
	  "  vmdump check 1234 && echo agree\n" },
};

#define NCMD (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCMD; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: %s [OPTIONS] PID\n"
"       %s COMMAND [OPTIONS] ARGS\n"
"\n"
"Show a process's page tables as the MMU sees them, read through the\n"
"vmview kernel module (/sys/kernel/debug/vmview).  Needs root.\n"
"\n"
"Commands:\n", prog, prog);
	for (i = 0; i < NCMD; i++)
		fprintf(f, "  %-10s %-9s %s\n", commands[i].name,
			commands[i].args, commands[i].what);
	fprintf(f,
"\n"
"Options for every command:\n"
"  -j, --json              JSON lines (schema: docs/vmdump.md)\n"
"      --color WHEN        auto (default: if stdout is a terminal and\n"
"                          NO_COLOR is unset), always, never\n"
"  -v, --verbose           show the requests written to the module\n"
"  -h, --help              this help; `%s COMMAND --help` for a command\n"
"  -V, --version           the version\n"
"\n"
"Examples:\n"
"  %s 1234                               the VMAs and their memory\n"
"  %s pages 1234 --only dirty            dirty pages with PFNs\n"
"  %s translate 1234 0x7ffd5e3c1678      one address, level by level\n"
"  %s layout 1234                        the whole 64-bit address space\n"
"  %s map 1234                           a picture of the page states\n"
"  %s watch -n 5 1234                    what changes: 5 walks, 1 s apart\n"
"  %s check 1234                         compare with /proc/PID/pagemap\n"
"\n"
"Exit status: 0 ok, 1 check found differences, 2 usage, 3 debugfs not\n"
"mounted, 4 module not loaded, 5 permission denied, 6 no such process,\n"
"7 kernel thread, 8 zombie, 9 process exited during the dump, 10 module\n"
"output not understood, 11 other system error.\n",
		prog, prog, prog, prog, prog, prog, prog, prog);
}

static void command_usage(FILE *f, const struct command *c)
{
	fprintf(f, "Usage: %s %s [OPTIONS] %s\n\n%s%s.\n\n%s"
		"\nAlso: --json, --color auto|always|never, --verbose, --help.\n",
		prog, c->name, c->args,
		"  ", c->what, c->help);
}

enum {
	OPT_COLOR = 256,
	OPT_TEXT_PAGES,		/* hidden: read `pages` as text (tests) */
};

static const struct option long_opts[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "color",	required_argument,	NULL, OPT_COLOR },
	{ "colour",	required_argument,	NULL, OPT_COLOR },
	{ "range",	required_argument,	NULL, 'r' },
	{ "only",	required_argument,	NULL, 'o' },
	{ "per-page",	no_argument,		NULL, 'p' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "count",	required_argument,	NULL, 'n' },
	{ "bytes",	required_argument,	NULL, 'b' },
	{ "width",	required_argument,	NULL, 'w' },
	{ "verbose",	no_argument,		NULL, 'v' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ "text-pages",	no_argument,		NULL, OPT_TEXT_PAGES },
	{ NULL, 0, NULL, 0 }
};

static int parse_only(const char *s)
{
	static const char *const names[] = {
		"present", "dirty", "accessed", "swapped", "huge", "file",
		"anon", "shared",
	};
	const char *p = s;

	while (*p) {
		size_t n = strcspn(p, ",");
		size_t i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i]) == n && !strncmp(p, names[i], n))
				break;
		if (i == sizeof(names) / sizeof(names[0])) {
			fprintf(stderr, "%s: --only: unknown \"%.*s\": use present, "
				"dirty, accessed, swapped, huge, file, anon or "
				"shared\n", prog, (int)(n > 40 ? 40 : n), p);
			return -1;
		}
		opt.only |= 1U << i;
		p += n;
		if (*p == ',')
			p++;
	}
	if (!opt.only) {
		fprintf(stderr, "%s: --only: empty\n", prog);
		return -1;
	}
	return 0;
}

static int parse_long_arg(const char *what, const char *s, long lo, long hi,
			  long *v)
{
	uint64_t x;

	if (parse_dec(s, strlen(s), &x) || x < (uint64_t)lo || x > (uint64_t)hi) {
		fprintf(stderr, "%s: %s: \"%.40s\" is not a number in %ld..%ld\n",
			prog, what, s, lo, hi);
		return -1;
	}
	*v = (long)x;
	return 0;
}

static int parse_interval(const char *s)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end || !(d >= 0.01 && d <= 86400)) {
		fprintf(stderr, "%s: --interval: \"%.40s\" is not a number of "
			"seconds in 0.01..86400\n", prog, s);
		return -1;
	}
	opt.interval = d;
	return 0;
}

/* Which options each command takes (besides the global ones). */
static bool option_allowed(int o, enum cmd c)
{
	switch (o) {
	case 'r':
		return c == CMD_PAGES || c == CMD_WATCH || c == CMD_CHECK;
	case 'o':
	case 'p':
		return c == CMD_PAGES;
	case 'i':
	case 'n':
		return c == CMD_WATCH;
	case 'b':
		return c == CMD_TRANSLATE;
	case 'w':
		return c == CMD_MAP;
	default:
		return true;
	}
}

int main(int argc, char **argv)
{
	const char *color = "auto";
	const struct command *c = NULL;
	char *pos[4];
	int seen[128] = { 0 };
	int npos = 0, o, i;
	bool help = false;
	long v;

	if (argc > 0 && argv[0] && argv[0][0]) {
		const char *slash = strrchr(argv[0], '/');

		prog = slash ? slash + 1 : argv[0];
	}
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":jr:o:pi:n:b:w:vhV", long_opts,
				NULL)) != -1) {
		if (o > 0 && o < 128)
			seen[o] = 1;
		switch (o) {
		case 'j':
			opt.json = true;
			break;
		case OPT_COLOR:
			color = optarg;
			break;
		case OPT_TEXT_PAGES:
			opt.text_pages = true;
			break;
		case 'r':
			if (parse_range_arg(optarg, &opt.start, &opt.end))
				return EX_USAGE;
			opt.has_range = true;
			break;
		case 'o':
			if (parse_only(optarg))
				return EX_USAGE;
			break;
		case 'p':
			opt.per_page = true;
			break;
		case 'i':
			if (parse_interval(optarg))
				return EX_USAGE;
			break;
		case 'n':
			if (parse_long_arg("--count", optarg, 1, 1000000000L, &v))
				return EX_USAGE;
			opt.count = v;
			break;
		case 'b':
			if (parse_long_arg("--bytes", optarg, 0, 256, &v))
				return EX_USAGE;
			opt.bytes = (int)v;
			break;
		case 'w':
			if (parse_long_arg("--width", optarg, 8, 1024, &v))
				return EX_USAGE;
			opt.width = (int)v;
			break;
		case 'v':
			opt.verbose++;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			printf("vmdump %s (vmview format %d, JSON schema %d)\n",
			       VMDUMP_VERSION, VMVIEW_FORMAT_VERSION,
			       VMDUMP_JSON_VERSION);
			return EX_OK;
		case ':':
			fprintf(stderr, "%s: option %.60s needs a value\n", prog,
				argv[optind - 1]);
			return EX_USAGE;
		default:
			if (optopt)
				fprintf(stderr, "%s: unknown option -%c\n", prog,
					optopt);
			else
				fprintf(stderr, "%s: unknown option %.60s\n", prog,
					argv[optind - 1]);
			fprintf(stderr, "Try `%s --help'.\n", prog);
			return EX_USAGE;
		}
	}
	for (i = optind; i < argc; i++) {
		if (npos == (int)(sizeof(pos) / sizeof(pos[0]))) {
			fprintf(stderr, "%s: too many arguments: \"%.40s\"\n",
				prog, argv[i]);
			return EX_USAGE;
		}
		pos[npos++] = argv[i];
	}

	/* The command: a name, "help", or a PID (summary). */
	if (npos > 0) {
		if (!strcmp(pos[0], "help")) {
			help = true;
			if (npos > 1 && !(c = find_command(pos[1]))) {
				fprintf(stderr, "%s: unknown command \"%.40s\"\n",
					prog, pos[1]);
				usage(stderr);
				return EX_USAGE;
			}
			npos = 0;
		} else if ((c = find_command(pos[0]))) {
			memmove(pos, pos + 1, (npos - 1) * sizeof(pos[0]));
			npos--;
		} else if (pos[0][0] >= '0' && pos[0][0] <= '9') {
			c = find_command("summary");
		} else {
			fprintf(stderr, "%s: unknown command \"%.40s\"\n", prog,
				pos[0]);
			fprintf(stderr, "Try `%s --help'.\n", prog);
			return EX_USAGE;
		}
	}
	if (help) {
		if (c)
			command_usage(stdout, c);
		else
			usage(stdout);
		return EX_OK;
	}
	if (!c) {
		usage(stderr);
		return EX_USAGE;
	}
	opt.cmd = c->cmd;

	for (i = 1; i < 128; i++) {
		if (seen[i] && !option_allowed(i, opt.cmd)) {
			const struct option *lo;

			for (lo = long_opts; lo->name && lo->val != i; lo++)
				;
			fprintf(stderr, "%s: %s does not take --%s\n", prog,
				c->name, lo->name ? lo->name : "?");
			return EX_USAGE;
		}
	}

	if (!strcmp(color, "always")) {
		opt.color = true;
	} else if (!strcmp(color, "never")) {
		opt.color = false;
	} else if (!strcmp(color, "auto")) {
		const char *nc = getenv("NO_COLOR");

		opt.color = isatty(1) && !(nc && *nc);
	} else {
		fprintf(stderr, "%s: --color: \"%.40s\": use auto, always or "
			"never\n", prog, color);
		return EX_USAGE;
	}
	if (opt.json)
		opt.color = false;
	if (getenv("VMDUMP_ROOT") && *getenv("VMDUMP_ROOT"))
		opt.root = getenv("VMDUMP_ROOT");

	/* Arguments: PID (optional for layout), then ADDR for translate. */
	{
		int want = opt.cmd == CMD_TRANSLATE ? 2 : 1;
		int min = opt.cmd == CMD_LAYOUT ? 0 : want;

		if (npos < min) {
			fprintf(stderr, "%s: %s needs %s\n", prog, c->name, c->args);
			fprintf(stderr, "Try `%s %s --help'.\n", prog, c->name);
			return EX_USAGE;
		}
		if (npos > want) {
			fprintf(stderr, "%s: %s: unexpected argument \"%.40s\"\n",
				prog, c->name, pos[want]);
			return EX_USAGE;
		}
		if (npos >= 1 && parse_pid_arg(pos[0], &opt.pid))
			return EX_USAGE;
		if (opt.cmd == CMD_TRANSLATE && parse_addr_arg(pos[1], &opt.addr))
			return EX_USAGE;
	}

	switch (opt.cmd) {
	case CMD_SUMMARY:	return cmd_summary();
	case CMD_PAGES:		return cmd_pages();
	case CMD_TRANSLATE:	return cmd_translate();
	case CMD_LAYOUT:	return cmd_layout();
	case CMD_MAP:		return cmd_map();
	case CMD_WATCH:		return cmd_watch();
	case CMD_CHECK:		return cmd_check();
	default:
		return EX_USAGE;
	}
}
