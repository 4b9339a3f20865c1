// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: requests ("pid=1234 start=0x... end=0x...") and the default target.
 *
 * The grammar is in docs/interface.md.  A request is checked in full before
 * it replaces the one in force; PIDs are resolved in the pid namespace of
 * the task that writes them.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/mm.h>
#include "vmview.h"

static DEFINE_MUTEX(vmv_target_lock);
static struct pid *vmv_target;

/**
 * vmv_user_top() - end of the user address space
 *
 * Context: any.
 * Return: TASK_SIZE_MAX for the paging mode the kernel runs with.
 */
unsigned long vmv_user_top(void)
{
	return TASK_SIZE_MAX;
}

/* "0x..." is hexadecimal, anything else decimal: no octal surprises. */
static int vmv_parse_ulong(const char *s, unsigned long *v)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return kstrtoul(s + 2, 16, v);
	return kstrtoul(s, 10, v);
}

static int vmv_parse_pid_nr(const char *s, pid_t *nr)
{
	int ret = kstrtoint(s, 10, nr);

	if (ret)
		return ret;
	return *nr > 0 ? 0 : -EINVAL;
}

/**
 * vmv_pid_check() - may this process be a target?
 * @pid: the process
 *
 * Context: process context, may sleep.
 * Return: 0 if it has a user address space now; -ESRCH if it has exited;
 * -ENXIO for a kernel thread, a zombie or an exiting process.
 */
int vmv_pid_check(struct pid *pid)
{
	struct task_struct *task = get_pid_task(pid, PIDTYPE_PID);
	struct mm_struct *mm;

	if (!task)
		return -ESRCH;
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ENXIO;
	mmput(mm);
	return 0;
}

static int vmv_pid_lookup(pid_t nr, struct pid **pidp)
{
	struct pid *pid = find_get_pid(nr);
	int ret;

	if (!pid)
		return -ESRCH;
	ret = vmv_pid_check(pid);
	if (ret) {
		put_pid(pid);
		return ret;
	}
	*pidp = pid;
	return 0;
}

/* What one request says, before it is checked as a whole. */
struct vmv_req_text {
	unsigned int seen;
	pid_t pid;
	unsigned long start;
	unsigned long end;
	unsigned long addr;
	unsigned long bytes;
	bool per_page;
	bool binary;
};

static int vmv_parse_mode(const char *val, bool *per_page)
{
	if (!strcmp(val, "runs"))
		*per_page = false;
	else if (!strcmp(val, "pages"))
		*per_page = true;
	else
		return -EINVAL;
	return 0;
}

static int vmv_parse_format(const char *val, bool *binary)
{
	if (!strcmp(val, "text"))
		*binary = false;
	else if (!strcmp(val, "bin"))
		*binary = true;
	else
		return -EINVAL;
	return 0;
}

static int vmv_parse_token(struct vmv_req_text *t, unsigned int keys,
			   char *token)
{
	char *val = strchr(token, '=');
	unsigned int key;

	if (!val || !val[1])
		return -EINVAL;
	*val++ = '\0';
	if (!strcmp(token, "pid"))
		key = VMV_K_PID;
	else if (!strcmp(token, "start") || !strcmp(token, "end"))
		key = VMV_K_RANGE;
	else if (!strcmp(token, "mode"))
		key = VMV_K_MODE;
	else if (!strcmp(token, "addr"))
		key = VMV_K_ADDR;
	else if (!strcmp(token, "bytes"))
		key = VMV_K_BYTES;
	else if (!strcmp(token, "format"))
		key = VMV_K_FORMAT;
	else
		return -EINVAL;
	if (!(keys & key))
		return -EINVAL;
	t->seen |= key;
	switch (key) {
	case VMV_K_PID:
		return vmv_parse_pid_nr(val, &t->pid);
	case VMV_K_RANGE:
		return vmv_parse_ulong(val, token[0] == 's' ? &t->start : &t->end);
	case VMV_K_MODE:
		return vmv_parse_mode(val, &t->per_page);
	case VMV_K_ADDR:
		return vmv_parse_ulong(val, &t->addr);
	case VMV_K_FORMAT:
		return vmv_parse_format(val, &t->binary);
	default:
		return vmv_parse_ulong(val, &t->bytes);
	}
}

static int vmv_check_range(unsigned long start, unsigned long end)
{
	if (!PAGE_ALIGNED(start) || !PAGE_ALIGNED(end))
		return -EINVAL;
	if (start >= vmv_user_top() || end > vmv_user_top())
		return -ERANGE;
	if (start >= end)
		return -EINVAL;
	return 0;
}

static int vmv_req_apply(struct vmv_req *req, const struct vmv_req_text *t)
{
	struct pid *pid;
	int ret;

	if (t->seen & VMV_K_RANGE) {
		ret = vmv_check_range(t->start, t->end);
		if (ret)
			return ret;
		req->start = t->start;
		req->end = t->end;
	}
	if ((t->seen & VMV_K_ADDR) && t->addr >= vmv_user_top())
		return -ERANGE;
	if (t->bytes > VMV_BYTES_MAX)
		return -ERANGE;
	req->addr = t->addr;
	req->bytes = t->bytes;
	req->per_page = t->per_page;
	req->binary = t->binary;
	if (t->seen & VMV_K_PID) {
		ret = vmv_pid_lookup(t->pid, &pid);
		if (ret)
			return ret;
		put_pid(req->pid);
		req->pid = pid;
	}
	return 0;
}

/**
 * vmv_req_parse() - parse and check a request
 * @req: defaults on entry; the request on success
 * @keys: VMV_K_* keys the file takes
 * @text: NUL-terminated request, modified
 *
 * A range given with only one of start= and end= keeps the other default.
 *
 * Context: process context, may sleep (PID lookup).
 * Return: 0, or -EINVAL, -ERANGE, -ESRCH, -ENXIO as docs/interface.md says.
 */
int vmv_req_parse(struct vmv_req *req, unsigned int keys, char *text)
{
	struct vmv_req_text t = {
		.start = req->start,
		.end = req->end,
	};
	char *token;
	int ret, n = 0;

	while ((token = strsep(&text, " \t\n")) != NULL) {
		if (!*token)
			continue;
		ret = vmv_parse_token(&t, keys, token);
		if (ret)
			return ret;
		n++;
	}
	if (!n)
		return -EINVAL;
	return vmv_req_apply(req, &t);
}

/**
 * vmv_req_release() - drop what a request holds
 * @req: the request
 *
 * Context: any.
 */
void vmv_req_release(struct vmv_req *req)
{
	put_pid(req->pid);
	req->pid = NULL;
}

/**
 * vmv_target_get() - the default target
 *
 * Context: process context.
 * Return: a reference to the default target's pid, or NULL.
 */
struct pid *vmv_target_get(void)
{
	struct pid *pid;

	mutex_lock(&vmv_target_lock);
	pid = get_pid(vmv_target);
	mutex_unlock(&vmv_target_lock);
	return pid;
}

/**
 * vmv_target_set() - set the default target from "PID" or "none"
 * @text: NUL-terminated, modified
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for anything but a positive number or "none", -ERANGE
 * for a number that does not fit a pid, -ESRCH, -ENXIO.
 */
int vmv_target_set(const char *text)
{
	struct pid *pid = NULL, *old;
	char buf[24], *s;
	pid_t nr;
	int ret;

	if (strscpy(buf, text, sizeof(buf)) < 0)
		return -EINVAL;
	s = strim(buf);
	if (strcmp(s, "none")) {
		ret = vmv_parse_pid_nr(s, &nr);
		if (!ret)
			ret = vmv_pid_lookup(nr, &pid);
		if (ret)
			return ret;
	}
	mutex_lock(&vmv_target_lock);
	old = vmv_target;
	vmv_target = pid;
	mutex_unlock(&vmv_target_lock);
	put_pid(old);
	return 0;
}

/**
 * vmv_target_exit() - drop the default target at module exit
 *
 * Context: process context.
 */
void vmv_target_exit(void)
{
	put_pid(vmv_target);
	vmv_target = NULL;
}
