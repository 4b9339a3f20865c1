// SPDX-License-Identifier: GPL-2.0
/*
 * vmview security model: root-only files, CAP_SYS_ADMIN in the initial
 * user namespace checked at open against the opener's credentials, and
 * PIDs resolved in the writer's pid namespace.
 *
 * Checks that need other credentials run in a child, which reports through
 * its exit status: 0 is success, 255 means SKIP, anything else is the
 * number of the failed check.
 */
#include <grp.h>
#include <sched.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include "vmview_test.h"

#define NOBODY 65534

static const char *const files[] = {
	"target", "vmas", "pages", "translate", "layout", "kernel",
};

static bool locked_down(void)
{
	char buf[256];

	return vmv_slurp("/sys/kernel/security/lockdown", buf, sizeof(buf)) > 0 &&
	       strstr(buf, "[confidentiality]");
}

#define SKIP_IF_LOCKED_DOWN() do {					\
	if (locked_down())						\
		SKIP(return, "locked down: no file opens");		\
} while (0)

static int open_mode(const char *file)
{
	return strcmp(file, "kernel") ? O_RDWR : O_RDONLY;
}

static int drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

/* Exit status of a child, 200 + signal if it was killed. */
static int child_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return 198;
	if (WIFSIGNALED(status))
		return 200 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Run @fn in a child and return its exit status. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return 199;
	if (pid == 0)
		_exit(fn(arg));
	return child_status(pid);
}

#define CHILD_RESULT(_status) do {					\
	int __st = (_status);						\
	if (__st == 255)						\
		SKIP(return, "not supported here");			\
	ASSERT_EQ(0, __st) TH_LOG("child failed check %d", __st);	\
} while (0)

/* Every file must refuse to open with one of @e1, @e2. */
static int opens_refused(int e1, int e2)
{
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		fd = vmv_open(files[i], O_RDONLY);
		if (fd != -e1 && fd != -e2)
			return 10 + (int)i;
		fd = vmv_open(files[i], open_mode(files[i]));
		if (fd != -e1 && fd != -e2)
			return 30 + (int)i;
	}
	return 0;
}

static int nobody_opens(void *arg)
{
	if (drop_to_nobody())
		return 1;
	return opens_refused(EACCES, EPERM);
}

TEST(modes_are_root_only)
{
	char path[128];
	unsigned int i;
	struct stat st;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), VMV_DIR_PATH "/%s", files[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
		EXPECT_EQ(0U, st.st_uid);
		EXPECT_EQ(0U, st.st_mode & 077) TH_LOG("%s", path);
	}
}

TEST(nobody_cannot_open)
{
	CHILD_RESULT(in_child(nobody_opens, NULL));
}

/* Drop CAP_SYS_ADMIN from every set, keep uid 0 and the other caps. */
static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	unsigned int bit = 1U << (CAP_SYS_ADMIN % 32);

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_SYS_ADMIN / 32].effective &= ~bit;
	data[CAP_SYS_ADMIN / 32].permitted &= ~bit;
	data[CAP_SYS_ADMIN / 32].inheritable &= ~bit;
	return syscall(SYS_capset, &hdr, data) ? -1 : 0;
}

static int no_sys_admin_opens(void *arg)
{
	if (drop_sys_admin())
		return 1;
	return opens_refused(EPERM, EPERM);
}

/* uid 0 keeps DAC, so the refusal must be vmview's own EPERM. */
TEST(root_without_cap_sys_admin_is_eperm)
{
	if (geteuid())
		SKIP(return, "not root");
	CHILD_RESULT(in_child(no_sys_admin_opens, NULL));
}

static int write_proc(pid_t pid, const char *file, const char *val)
{
	char path[64];
	int fd, ret;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = vmv_write(fd, val, strlen(val));
	close(fd);
	return ret;
}

/* Map uid/gid 0 of @pid's new user namespace to the real root. */
static int map_root(pid_t pid)
{
	if (write_proc(pid, "setgroups", "deny") ||
	    write_proc(pid, "uid_map", "0 0 1") ||
	    write_proc(pid, "gid_map", "0 0 1"))
		return -1;
	return 0;
}

/*
 * Root of a new user namespace, mapped to the real root: it owns the files
 * (DAC passes) and has CAP_SYS_ADMIN, but only in its own namespace.
 */
TEST(userns_root_is_eperm)
{
	int up[2], down[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER))
			_exit(255);
		if (write(up[1], "u", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(1);
		if (c != 'm')
			_exit(255);
		if (getuid() != 0)
			_exit(2);
		_exit(opens_refused(EPERM, EPERM));
	}
	if (read(up[0], &c, 1) != 1) {
		child_status(pid);
		SKIP(return, "unshare(CLONE_NEWUSER) failed");
	}
	c = map_root(pid) ? 'x' : 'm';
	ASSERT_EQ(1, write(down[1], &c, 1));
	CHILD_RESULT(child_status(pid));
}

struct inherit {
	int fd;
	pid_t target;
};

/* A root-opened fd keeps working after the holder drops to nobody. */
static int inherited_use(void *arg)
{
	struct inherit *in = arg;
	struct vmv_buf b = { 0 };
	struct vmv_ver v;

	if (drop_to_nobody() || geteuid() != NOBODY)
		return 1;
	if (vmv_open("pages", O_RDWR) >= 0)
		return 2;
	if (vmv_read_all(in->fd, &b) ||
	    vmv_parse_version(b.data, "pages", &v) || v.pid != in->target)
		return 3;
	if (vmv_request(in->fd, "pid=%d mode=pages", in->target))
		return 4;
	if (vmv_read_all(in->fd, &b) ||
	    vmv_parse_version(b.data, "pages", &v) || v.pid != in->target)
		return 5;
	vmv_buf_free(&b);
	return 0;
}

TEST(inherited_fd_checked_at_open)
{
	struct inherit in = { .target = getpid() };

	SKIP_IF_LOCKED_DOWN();
	in.fd = vmv_open("pages", O_RDWR);
	ASSERT_LE(0, in.fd);
	ASSERT_EQ(0, vmv_request(in.fd, "pid=%d", in.target));
	CHILD_RESULT(in_child(inherited_use, &in));
	close(in.fd);
}

/* In a new pid namespace: pid 1 is us, the outer pids do not exist. */
static int pidns_inner(pid_t outer)
{
	struct vmv_pages pg;
	char *p;
	int fd;

	if (getpid() != 1)
		return 1;
	fd = vmv_open("pages", O_RDWR);
	if (fd < 0)
		return 2;
	if (vmv_request(fd, "pid=%d", outer) != -ESRCH)
		return 3;
	close(fd);
	p = vmv_mmap_small(2);
	if (!p)
		return 4;
	vmv_touch_write(p, 2);
	if (vmv_get_pages(1, (uintptr_t)p, (uintptr_t)p + 2 * VMV_PAGE,
			  "pages", &pg))
		return 5;
	if (pg.ver.pid != 1)
		return 6;
	/* /proc is the initial namespace's: /proc/self is still us. */
	if (vmv_check_pagemap(&pg, 0, (uintptr_t)p,
			      (uintptr_t)p + 2 * VMV_PAGE) != 2 || pg.n != 2)
		return 7;
	vmv_pages_free(&pg);
	return 0;
}

static int pidns_outer(void *arg)
{
	pid_t outer = getpid(), pid;
	int go[2], ret;
	char saved[32], t[32];

	if (unshare(CLONE_NEWPID))
		return 255;
	if (pipe(go) || vmv_get_target(saved, sizeof(saved)))
		return 20;
	pid = fork();
	if (pid < 0)
		return 21;
	if (pid == 0) {
		/* The default target, set from outside, reads as pid 1. */
		if (read(go[0], t, 1) != 1 || vmv_get_target(t, sizeof(t)))
			_exit(22);
		if (strcmp(t, "1"))
			_exit(23);
		_exit(pidns_inner(outer));
	}
	snprintf(t, sizeof(t), "%d", pid);
	ret = vmv_set_target(t);
	if (write(go[1], "g", 1) != 1)
		ret = -1;
	if (ret) {
		kill(pid, SIGKILL);
		child_status(pid);
		return 24;
	}
	ret = child_status(pid);
	vmv_set_target(saved);
	return ret;
}

TEST(pid_namespace)
{
	SKIP_IF_LOCKED_DOWN();
	CHILD_RESULT(in_child(pidns_outer, NULL));
}

/*
 * Under lockdown=confidentiality every file is refused.  Lockdown cannot be
 * lowered, so this only runs when the guest is already locked down, e.g.:
 *   scripts/vm-run -- 'mount -t securityfs none /sys/kernel/security;
 *     echo confidentiality > /sys/kernel/security/lockdown;
 *     /vmview/selftests/security_test'
 */
TEST(lockdown_confidentiality_refuses)
{
	if (!locked_down())
		SKIP(return, "kernel not locked down for confidentiality");
	EXPECT_EQ(0, opens_refused(EPERM, EPERM));
}

TEST_HARNESS_MAIN
