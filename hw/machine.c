/*
 * hw/machine.c - device registry and main-loop requests (see machine.h).
 */
#include "hw/machine.h"

typedef struct DeviceEntry {
    const DeviceInfo *info;
    void *dev;
} DeviceEntry;

struct Machine {
    AddrSpace *mem, *io;
    Clock *clock;
    DeviceEntry *devs;
    int ndevs, capdevs;
    bool reset_request;
    bool exit_request;
    int exit_status;
    void (*kick)(void *);
    void *kick_opaque;
};

Machine *machine_new(ClockMode mode)
{
    Machine *m = xzalloc(sizeof *m);
    m->mem = addr_space_new(ADDR_SPACE_MEM);
    m->io = addr_space_new(ADDR_SPACE_IO);
    m->clock = clock_new(mode);
    return m;
}

void machine_free(Machine *m)
{
    if (!m)
        return;
    for (int i = m->ndevs - 1; i >= 0; i--) {
        if (m->devs[i].info->destroy)
            m->devs[i].info->destroy(m->devs[i].dev);
        else
            free(m->devs[i].dev);
    }
    free(m->devs);
    addr_space_free(m->mem);
    addr_space_free(m->io);
    clock_free(m->clock);
    free(m);
}

AddrSpace *machine_mem(Machine *m) { return m->mem; }
AddrSpace *machine_io(Machine *m) { return m->io; }
Clock *machine_clock(Machine *m) { return m->clock; }

void machine_add(Machine *m, const DeviceInfo *info, void *dev)
{
    if (m->ndevs == m->capdevs) {
        m->capdevs = m->capdevs ? m->capdevs * 2 : 16;
        m->devs = xrealloc(m->devs, (size_t)m->capdevs * sizeof *m->devs);
    }
    m->devs[m->ndevs].info = info;
    m->devs[m->ndevs].dev = dev;
    m->ndevs++;
}

void machine_reset_devices(Machine *m)
{
    for (int i = 0; i < m->ndevs; i++)
        if (m->devs[i].info->reset)
            m->devs[i].info->reset(m->devs[i].dev);
}

int machine_device_count(Machine *m)
{
    return m->ndevs;
}

void *machine_device(Machine *m, int i, const DeviceInfo **info)
{
    if (i < 0 || i >= m->ndevs)
        return NULL;
    if (info)
        *info = m->devs[i].info;
    return m->devs[i].dev;
}

void *machine_find(Machine *m, const char *name)
{
    for (int i = 0; i < m->ndevs; i++)
        if (strcmp(m->devs[i].info->name, name) == 0)
            return m->devs[i].dev;
    return NULL;
}

void machine_set_kick(Machine *m, void (*kick)(void *), void *opaque)
{
    m->kick = kick;
    m->kick_opaque = opaque;
}

void machine_kick(Machine *m)
{
    if (m->kick)
        m->kick(m->kick_opaque);
}

void machine_request_reset(Machine *m)
{
    m->reset_request = true;
    machine_kick(m);
}

bool machine_take_reset_request(Machine *m)
{
    bool r = m->reset_request;
    m->reset_request = false;
    return r;
}

void machine_request_exit(Machine *m, int status)
{
    if (!m->exit_request) {
        m->exit_request = true;
        m->exit_status = status;
    }
    machine_kick(m);
}

bool machine_exit_requested(Machine *m, int *status)
{
    if (m->exit_request && status)
        *status = m->exit_status;
    return m->exit_request;
}
