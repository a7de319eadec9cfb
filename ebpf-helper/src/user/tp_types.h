/* The kernel's fixed-width names for user space, so tp_shared.h reads the same on both sides. */
#ifndef TP_TYPES_H
#define TP_TYPES_H
#include <linux/types.h>
#include <stdbool.h>
#endif
