/* Reading datapackage.json (descriptor-read.c). */
#ifndef PR_DESCRIPTOR_READ_H
#define PR_DESCRIPTOR_READ_H

#include "diag.h"
#include "model.h"

/*
 * Descriptor metadata (datapackage.json at path, called name in problems):
 * 0, PEERREVIEW_EIO or PEERREVIEW_EDATA (reported) or -1 (out of memory). *found is set when the
 * file exists; *listed gets bit t set for every table t whose file a resource's "path" names.
 */
int pr_descriptor_read(const char *path, const char *name, peerreview_dataset *ds, pr_sink *sink,
                       int *found, unsigned *listed);

#endif
