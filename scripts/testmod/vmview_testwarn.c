// SPDX-License-Identifier: GPL-2.0
/*
 * vmview_testwarn: a module whose init triggers one WARN_ON(), to prove that
 * scripts/vm-run's log scanner fails a run on a kernel splat.  Never load it
 * anywhere but the test guest.
 */
#include <linux/module.h>
#include <linux/bug.h>

static int __init vmview_testwarn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit vmview_testwarn_exit(void)
{
}

module_init(vmview_testwarn_init);
module_exit(vmview_testwarn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmview harness test: WARN_ON(1) at load");
