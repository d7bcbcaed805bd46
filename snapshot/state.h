/*
 * snapshot/state.h - declared device state: StateField tables and DeviceInfo.
 *
 * Every device lists the fields that make up its guest-visible state once,
 * in a table of StateField; snapshots, migration and the round-trip unit
 * tests all use that one table. Tables hold no pointers to save: wiring and
 * host state sit below a "wiring: never saved" line in the device struct and
 * are rebuilt by post_load.
 *
 *   static const StateField pit_counter_fields[] = {
 *       SF_INT(PitCounter, reload), SF_INT(PitCounter, mode), SF_END };
 *   static const StateField pit_fields[] = {
 *       SF_STRUCTS(Pit, counter, pit_counter_fields), SF_END };
 *
 * SF_INT takes any integer or bool field (1, 2, 4 or 8 bytes); SF_ARRAY an
 * array of such integers; SF_BYTES a byte array saved verbatim; SF_STRUCT /
 * SF_STRUCTS one embedded struct / an array of structs with their own table.
 *
 * Serialised form (state_save): for each field, its name, its byte length and
 * its little-endian data; state_load matches fields by name, so adding a
 * field keeps old snapshots loadable (the new field keeps its reset value).
 */
#ifndef SNAPSHOT_STATE_H
#define SNAPSHOT_STATE_H

#include "emu.h"

typedef enum StateFieldType {
    SF_T_END, SF_T_INT, SF_T_BYTES, SF_T_STRUCT,
} StateFieldType;

typedef struct StateField {
    const char *name;
    StateFieldType type;
    size_t offset;
    size_t size;        /* element size in bytes */
    size_t count;       /* number of elements */
    const struct StateField *sub;   /* SF_T_STRUCT */
} StateField;

#define SF_FIELD_SIZE(T, f) sizeof(((T *)0)->f)
#define SF_ELEM_SIZE(T, f)  sizeof(((T *)0)->f[0])

#define SF_INT(T, f)    { #f, SF_T_INT, offsetof(T, f), SF_FIELD_SIZE(T, f), 1, NULL }
#define SF_ARRAY(T, f)  { #f, SF_T_INT, offsetof(T, f), SF_ELEM_SIZE(T, f), \
                          SF_FIELD_SIZE(T, f) / SF_ELEM_SIZE(T, f), NULL }
#define SF_BYTES(T, f)  { #f, SF_T_BYTES, offsetof(T, f), 1, SF_FIELD_SIZE(T, f), NULL }
#define SF_STRUCT(T, f, sub)  { #f, SF_T_STRUCT, offsetof(T, f), SF_FIELD_SIZE(T, f), 1, sub }
#define SF_STRUCTS(T, f, sub) { #f, SF_T_STRUCT, offsetof(T, f), SF_ELEM_SIZE(T, f), \
                                SF_FIELD_SIZE(T, f) / SF_ELEM_SIZE(T, f), sub }
#define SF_END { NULL, SF_T_END, 0, 0, 0, NULL }

typedef struct DeviceInfo {
    const char *name;          /* section name in snapshots: "pit", "uart0" */
    int version;
    const StateField *state;
    void (*reset)(void *dev);
    void (*post_load)(void *dev);   /* rebuild timers, irq levels, host state */
    void (*destroy)(void *dev);     /* free everything; NULL means free(dev) */
} DeviceInfo;

/* A growable byte buffer for serialised state. */
typedef struct StateBuf {
    uint8_t *data;
    size_t len, cap;
} StateBuf;

void statebuf_put(StateBuf *b, const void *data, size_t len);
void statebuf_free(StateBuf *b);

/* Append obj's fields to b. */
void state_save(const StateField *fields, const void *obj, StateBuf *b);
/* Load fields from [data, data+len) into obj. Returns 0, or -1 if the data
 * is malformed (obj may then be partly written). */
int state_load(const StateField *fields, void *obj, const uint8_t *data, size_t len);

/* Human-readable dump, one "name = value" line per field (monitor, tests). */
void state_dump(const StateField *fields, const void *obj, FILE *f);

#endif
