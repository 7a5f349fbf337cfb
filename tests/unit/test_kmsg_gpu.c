/* GPU driver faults (probes/kmsg_gpu.c): NVIDIA Xid numbers by NVIDIA's catalog, amdgpu ring timeouts
 * with the reset that follows them, amdgpu page faults, radeon stalls and i915 hangs; a report repeated
 * is one event, and Xid 45 (cleanup after another error) makes none. Lines in the drivers' printk
 * formats; the corpus holds real logs (tests/corpus/kmsg/gpu-fault-*). */
#include <string.h>

#include "probes/kmsg_cls_int.h"
#include "tests/harness/check.h"
#include "tests/harness/kmsg_harness.h"

static struct kmsg_result r;

static const struct sw_event *only(void)
{
    CHECK_MSG(r.n == 1 && r.kinds == K(GPU_FAULT), "%d events, kinds 0x%x", r.n, r.kinds);
    return r.n ? &r.ev[0].ev : NULL;
}

static void nvidia_xid_catalog(void)
{
    kmsg_classify_text("[ 2000.1] NVRM: Xid (PCI:0000:01:00): 79, pid=1234, GPU has fallen off the bus.\n"
                       "[ 2000.2] NVRM: GPU 0000:01:00.0: GPU has fallen off the bus.\n", &r);
    const struct sw_event *e = only();
    CHECK(e && !strcmp(e->what, "fell off the bus") && !strcmp(e->u.klog.where, "Xid 79") && e->pid == 1234 &&
          e->sev == SW_SEV_ERROR);
    kmsg_classify_text("[ 5.0] NVRM: Xid (PCI:0000:10:1c): 63, pid=1896, Row Remapper: New row marked for remapping, reset gpu to activate.\n", &r);
    e = only();
    CHECK(e && !strcmp(e->what, "GPU memory ECC error"));
    /* a program's fault: severity warn; its repeats are one event */
    kmsg_classify_text("[ 6.0] NVRM: Xid (PCI:0000:08:00): 69, Class Error: ChId 003b, Class 0000c197, Offset 00002040\n"
                       "[ 6.1] NVRM: Xid (PCI:0000:08:00): 69, Class Error: ChId 003b, Class 0000c197, Offset 00002040\n", &r);
    e = only();
    CHECK(e && !strcmp(e->what, "GPU program fault") && e->sev == SW_SEV_WARN);
    kmsg_classify_text("[ 7.0] NVRM: Xid (PCI:0000:08:00): 45, pid=10, Ch 00000010\n", &r);
    CHECK(r.n == 0);
}

static void amd_and_intel(void)
{
    kmsg_classify_text("[ 1234.5] [drm:amdgpu_job_timedout [amdgpu]] *ERROR* ring gfx timeout, signaled seq=123456, emitted seq=123458\n"
                       "[ 1234.5] [drm:amdgpu_job_timedout [amdgpu]] *ERROR* Process information: process Xorg pid 1234 thread Xorg:cs0 pid 1240\n"
                       "[ 1234.6] amdgpu 0000:03:00.0: amdgpu: GPU reset begin!\n", &r);
    const struct sw_event *e = only();
    CHECK(e && !strcmp(e->what, "GPU hang (ring timeout)") && !strcmp(e->u.klog.task, "Xorg") &&
          !strcmp(e->u.klog.where, "amdgpu"));
    kmsg_classify_text("[ 88.0] amdgpu 0000:0b:00.0: amdgpu: [gfxhub0] no-retry page fault (src_id:0 ring:24 vmid:3 pasid:32773, for process blender pid 4242 thread blender:cs0 pid 4250)\n", &r);
    e = only();
    CHECK(e && !strcmp(e->what, "GPU program fault") && !strcmp(e->u.klog.task, "blender"));
    kmsg_classify_text("[ 50.0] radeon 0000:01:00.0: ring 0 stalled for more than 10000msec\n", &r);
    e = only();
    CHECK(e && !strcmp(e->u.klog.where, "radeon"));
    kmsg_classify_text("[ 99.0] i915 0000:00:02.0: [drm] GPU HANG: ecode 9:1:85dffffb, in Xorg [1234]\n", &r);
    e = only();
    CHECK(e && !strcmp(e->what, "GPU hang") && !strcmp(e->u.klog.task, "Xorg") && !strcmp(e->u.klog.where, "i915"));
    /* a reset that succeeded, with no hang reported in this log, is not an event by itself */
    kmsg_classify_text("[ 99.1] amdgpu 0000:03:00.0: amdgpu: GPU reset(2) succeeded!\n", &r);
    CHECK(r.n == 0);
}

int main(int argc, char **argv)
{
    static const struct sw_test_case cases[] = {
        {"nvidia_xid_catalog", nvidia_xid_catalog}, {"amd_and_intel", amd_and_intel}, {NULL, NULL}};
    return sw_test_main(argc, argv, cases);
}
