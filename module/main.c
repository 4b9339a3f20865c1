// SPDX-License-Identifier: GPL-2.0
/*
 * vmview: show a process's page tables as the MMU sees them.
 *
 * Module glue: the debugfs directory, and the life of an open file.  Each
 * open file owns a fixed-size output buffer; a read produces output in
 * chunks (one lock hold of the target each) and copies it out only after
 * the chunk has dropped every lock.  Memory per open file is bounded
 * whatever the target's size.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/security.h>
#include <linux/sched/signal.h>
#include "vmview.h"

static struct dentry *vmv_dir;

/*
 * Output buffers of closed files, kept for the next open: allocating
 * 64 KiB costs as much as a short walk (init_on_alloc clears every page).
 * At most VMV_BUF_CACHE are kept, until module exit.  A reader only ever
 * gets the bytes its own pass wrote ([pos, len)), never what a recycled
 * buffer held before.
 */
#define VMV_BUF_CACHE	4
static char *vmv_buf_cache[VMV_BUF_CACHE];
static DEFINE_SPINLOCK(vmv_buf_lock);

static const struct vmv_view *const vmv_views[] = {
	&vmv_vmas_view,
	&vmv_pages_view,
	&vmv_translate_view,
	&vmv_layout_view,
	&vmv_kernel_view,
};

/**
 * vmv_printf() - append to an open file's output buffer
 * @f: open file
 * @fmt: format
 *
 * Output that does not fit is truncated; callers check vmv_room() first.
 *
 * Context: any; does not sleep.
 */
void vmv_printf(struct vmv_file *f, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	f->len += vscnprintf(f->buf + f->len, VMV_BUF_SIZE - f->len, fmt, args);
	va_end(args);
}

/**
 * vmv_puts() - append a string to an open file's output buffer
 * @f: open file
 * @str: the string
 *
 * The put functions are the fast path for lines printed per run; like
 * vmv_printf() they truncate when out of room.
 *
 * Context: any; does not sleep.
 */
void vmv_puts(struct vmv_file *f, const char *str)
{
	size_t n = strnlen(str, vmv_room(f));

	memcpy(f->buf + f->len, str, n);
	f->len += n;
}

/**
 * vmv_puthex() - append "0x" and a number in hex
 * @f: open file
 * @v: the number
 * @width: at least this many digits, zero-padded
 *
 * Context: any; does not sleep.
 */
void vmv_puthex(struct vmv_file *f, u64 v, int width)
{
	char tmp[16];
	int n = 0;

	do {
		tmp[n++] = hex_asc[v & 0xf];
		v >>= 4;
	} while (v);
	while (n < width && n < (int)sizeof(tmp))
		tmp[n++] = '0';
	if (vmv_room(f) < n + 2)
		return;
	f->buf[f->len++] = '0';
	f->buf[f->len++] = 'x';
	while (n)
		f->buf[f->len++] = tmp[--n];
}

/**
 * vmv_putdec() - append a number in decimal
 * @f: open file
 * @v: the number
 *
 * Context: any; does not sleep.
 */
void vmv_putdec(struct vmv_file *f, u64 v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	if (vmv_room(f) < n)
		return;
	while (n)
		f->buf[f->len++] = tmp[--n];
}

/**
 * vmv_room() - free bytes in an open file's output buffer
 * @f: open file
 *
 * Context: any.
 * Return: bytes that can still be appended.
 */
size_t vmv_room(const struct vmv_file *f)
{
	return VMV_BUF_SIZE - f->len;
}

/*
 * Like pagemap: the capability of whoever opened the file counts, not of
 * whoever reads it later.  Frame numbers and the KASLR layout are what
 * lockdown's confidentiality mode hides.
 */
static int vmv_may_open(struct file *file)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return security_locked_down(LOCKDOWN_KCORE);
}

static void vmv_pass_end(struct vmv_file *f)
{
	if (f->begun && !f->done && f->view->end)
		f->view->end(f);
	f->done = true;
}

static void vmv_rewind(struct vmv_file *f)
{
	vmv_pass_end(f);
	f->begun = false;
	f->done = false;
	f->err = 0;
	f->len = 0;
	f->pos = 0;
	f->cursor = 0;
	if (f->view->state_size)
		memset(f->state, 0, f->view->state_size);
}

static char *vmv_buf_get(void)
{
	char *buf = NULL;
	int i;

	spin_lock(&vmv_buf_lock);
	for (i = 0; i < VMV_BUF_CACHE && !buf; i++)
		swap(buf, vmv_buf_cache[i]);
	spin_unlock(&vmv_buf_lock);
	return buf ?: kvmalloc(VMV_BUF_SIZE, GFP_KERNEL);
}

static void vmv_buf_put(char *buf)
{
	int i;

	spin_lock(&vmv_buf_lock);
	for (i = 0; i < VMV_BUF_CACHE && buf; i++)
		if (!vmv_buf_cache[i])
			swap(buf, vmv_buf_cache[i]);
	spin_unlock(&vmv_buf_lock);
	kvfree(buf);
}

static void vmv_buf_cache_free(void)
{
	int i;

	for (i = 0; i < VMV_BUF_CACHE; i++) {
		kvfree(vmv_buf_cache[i]);
		vmv_buf_cache[i] = NULL;
	}
}

static void vmv_req_default(struct vmv_req *req)
{
	memset(req, 0, sizeof(*req));
	req->pid = vmv_target_get();
	req->end = vmv_user_top();
}

static void vmv_file_free(struct vmv_file *f)
{
	vmv_req_release(&f->req);
	if (f->buf)
		vmv_buf_put(f->buf);
	kfree(f);
}

static int vmv_open(struct inode *inode, struct file *file)
{
	const struct vmv_view *view = inode->i_private;
	struct vmv_file *f;
	int ret;

	ret = vmv_may_open(file);
	if (ret)
		return ret;
	/* The view's state follows the struct, in the same allocation. */
	f = kzalloc(sizeof(*f) + view->state_size, GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->view = view;
	f->state = f + 1;
	mutex_init(&f->lock);
	vmv_req_default(&f->req);
	f->buf = vmv_buf_get();
	if (!f->buf) {
		vmv_file_free(f);
		return -ENOMEM;
	}
	file->private_data = f;
	return 0;
}

static int vmv_release(struct inode *inode, struct file *file)
{
	struct vmv_file *f = file->private_data;

	vmv_pass_end(f);
	vmv_file_free(f);
	return 0;
}

/* One step of the pass: begin it, or produce more output. */
static void vmv_step(struct vmv_file *f)
{
	int ret;

	if (!f->begun) {
		f->begun = true;
		ret = f->view->begin(f);
	} else {
		ret = f->view->fill(f);
	}
	if (ret) {
		vmv_pass_end(f);
		f->err = ret < 0 ? ret : 0;
	}
}

/*
 * Make output available: returns 0 with unread bytes in the buffer, 0 with
 * none at the end of the pass, or an error (once, after the output that
 * preceded it was read).  Fills the buffer at least half before returning,
 * so one read() gets whole short outputs, unless output comes slowly: after
 * VMV_STEPS_MAX steps, what there is goes out.  Every step starts with room
 * for any line, so every step makes progress.
 */
static int vmv_produce(struct vmv_file *f)
{
	int ret, steps = 0;

	if (f->pos < f->len)
		return 0;
	f->len = 0;
	f->pos = 0;
	while (!f->done && f->len < VMV_BUF_SIZE / 2 &&
	       (!f->len || steps++ < VMV_STEPS_MAX)) {
		vmv_step(f);
		if (f->done)
			break;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	if (f->len || !f->done)
		return 0;
	ret = f->err;
	f->err = 0;
	return ret;
}

static ssize_t vmv_read(struct file *file, char __user *ubuf, size_t count,
			loff_t *ppos)
{
	struct vmv_file *f = file->private_data;
	ssize_t ret;
	size_t n;

	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	ret = vmv_produce(f);
	if (!ret && f->pos < f->len) {
		n = min(count, f->len - f->pos);
		if (copy_to_user(ubuf, f->buf + f->pos, n)) {
			ret = -EFAULT;
		} else {
			f->pos += n;
			*ppos += n;
			ret = n;
		}
	}
	mutex_unlock(&f->lock);
	return ret;
}

static ssize_t vmv_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct vmv_file *f = file->private_data;
	char text[VMV_REQ_MAX + 1];
	struct vmv_req req;
	int ret;

	if (count > VMV_REQ_MAX)
		return -E2BIG;
	if (copy_from_user(text, ubuf, count))
		return -EFAULT;
	text[count] = '\0';
	vmv_req_default(&req);
	ret = vmv_req_parse(&req, f->view->keys, text);
	if (ret) {
		vmv_req_release(&req);
		return ret;
	}
	if (mutex_lock_interruptible(&f->lock)) {
		vmv_req_release(&req);
		return -EINTR;
	}
	vmv_rewind(f);
	vmv_req_release(&f->req);
	f->req = req;
	file->f_pos = 0;
	mutex_unlock(&f->lock);
	return count;
}

/* Only rewinding is supported (and asking where we are). */
static loff_t vmv_llseek(struct file *file, loff_t offset, int whence)
{
	struct vmv_file *f = file->private_data;

	if (whence == SEEK_CUR && offset == 0)
		return file->f_pos;
	if (whence != SEEK_SET || offset != 0)
		return -ESPIPE;
	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	vmv_rewind(f);
	file->f_pos = 0;
	mutex_unlock(&f->lock);
	return 0;
}

static const struct file_operations vmv_fops = {
	.owner = THIS_MODULE,
	.open = vmv_open,
	.release = vmv_release,
	.read = vmv_read,
	.write = vmv_write,
	.llseek = vmv_llseek,
};

/* The target file: a default PID for files opened afterwards. */
static int vmv_target_open(struct inode *inode, struct file *file)
{
	return vmv_may_open(file);
}

static ssize_t vmv_target_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct pid *pid = vmv_target_get();
	char text[24];
	pid_t nr = pid ? pid_vnr(pid) : 0;
	int len;

	put_pid(pid);
	if (nr)
		len = scnprintf(text, sizeof(text), "%d\n", nr);
	else
		len = scnprintf(text, sizeof(text), "none\n");
	return simple_read_from_buffer(ubuf, count, ppos, text, len);
}

static ssize_t vmv_target_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char text[VMV_REQ_MAX + 1];
	int ret;

	if (count > VMV_REQ_MAX)
		return -E2BIG;
	if (copy_from_user(text, ubuf, count))
		return -EFAULT;
	text[count] = '\0';
	ret = vmv_target_set(text);
	return ret ? ret : count;
}

static const struct file_operations vmv_target_fops = {
	.owner = THIS_MODULE,
	.open = vmv_target_open,
	.read = vmv_target_read,
	.write = vmv_target_write,
	.llseek = default_llseek,
};

static int __init vmv_init(void)
{
	struct dentry *d;
	int i, ret;

	vmv_dir = debugfs_create_dir(VMVIEW_DIR, NULL);
	if (IS_ERR(vmv_dir))
		return PTR_ERR(vmv_dir);
	d = debugfs_create_file("target", 0600, vmv_dir, NULL,
				&vmv_target_fops);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		goto err_dir;
	}
	for (i = 0; i < ARRAY_SIZE(vmv_views); i++) {
		const struct vmv_view *v = vmv_views[i];

		d = debugfs_create_file_unsafe(v->name, v->mode, vmv_dir,
					       (void *)v, &vmv_fops);
		if (IS_ERR(d)) {
			ret = PTR_ERR(d);
			goto err_dir;
		}
	}
	return 0;

err_dir:
	debugfs_remove_recursive(vmv_dir);
	return ret;
}

/*
 * An open file holds a reference on the module (fops owner): rmmod is
 * refused while any file is open, so no file operation can be in flight
 * here.  That is why the files can be debugfs' "unsafe" kind, without a
 * proxy allocated per open and a reference taken per operation; an open
 * racing with this exit is refused by debugfs (-ENXIO, module going).
 */
static void __exit vmv_exit(void)
{
	debugfs_remove_recursive(vmv_dir);
	vmv_target_exit();
	vmv_buf_cache_free();
}

module_init(vmv_init);
module_exit(vmv_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Show a process's page tables as the MMU sees them");
MODULE_AUTHOR("vmview developers");
