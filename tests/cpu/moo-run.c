/*
 * tests/cpu/moo-run.c - runs hardware-captured single-instruction CPU tests
 * (SingleStepTests MOO format) against emu's CPU.
 *
 * Models:      the procedure of ../shared/cpu-tests/README.md: bare CPU +
 *              2 MiB RAM (A20 on) + an empty port space (reads all ones);
 *              load INIT registers (FLAGS & 0x0FFF) and RAM, run until HLT,
 *              compare FINA registers (unlisted ones must keep their INIT
 *              value), FINA RAM bytes, and the FLAGS image pushed by an
 *              exception, under metadata.json's undefined-flag masks.
 *              386+ differences the README lists are skipped (LOCK #UD,
 *              instructions longer than 10 bytes, MOV Sreg FS/GS, #SS instead
 *              of #GP for SS-relative accesses at FFFF) or masked (IOPL/NT
 *              after POPF/IRET, OF on multi-bit shifts/rotates, CF on shifts
 *              by at least the operand width).
 * Not modeled: bus cycles (CYCL chunks are ignored).
 * Spec:        ../shared/cpu-tests/README.md "MOO file layout", "Running one test".
 *
 * Usage: moo-run [-v] FILE.MOO.gz ...   Last line: "N passed, M failed".
 */
#include <libgen.h>
#include <zlib.h>

#include "cpu/cpu.h"
#include "cpu/internal.h"

#define RAM_SIZE (2u << 20)
#define MAX_DETAIL 3

/* ---- a very small JSON reader (enough for metadata.json) --------------------- */

typedef struct Json {
    char type;                 /* 'o' object, 'a' array, 's' string, 'n' number, 'l' literal */
    char *key;                 /* member name inside an object */
    char *str;
    double num;
    struct Json *child, *next;
} Json;

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return p;
}

static char *json_string(const char **pp)
{
    const char *p = *pp + 1;
    size_t cap = 16, n = 0;
    char *s = xzalloc(cap);
    while (*p && *p != '"') {
        if (*p == '\\' && p[1])
            p++;
        if (n + 2 > cap)
            s = xrealloc(s, cap *= 2);
        s[n++] = *p++;
    }
    s[n] = '\0';
    *pp = *p ? p + 1 : p;
    return s;
}

static Json *json_parse(const char **pp)
{
    const char *p = json_ws(*pp);
    Json *j = xzalloc(sizeof *j);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        j->type = *p == '{' ? 'o' : 'a';
        Json **tail = &j->child;
        p = json_ws(p + 1);
        while (*p && *p != close) {
            char *key = NULL;
            if (j->type == 'o') {
                key = json_string(&p);
                p = json_ws(p);
                if (*p == ':')
                    p++;
            }
            Json *c = json_parse(&p);
            c->key = key;
            *tail = c;
            tail = &c->next;
            p = json_ws(p);
            if (*p == ',')
                p = json_ws(p + 1);
        }
        if (*p)
            p++;
    } else if (*p == '"') {
        j->type = 's';
        j->str = json_string(&p);
    } else if ((*p >= '0' && *p <= '9') || *p == '-') {
        char *end;
        j->type = 'n';
        j->num = strtod(p, &end);
        p = end;
    } else {
        j->type = 'l';
        while (*p && *p != ',' && *p != '}' && *p != ']')
            p++;
    }
    *pp = p;
    return j;
}

static void json_free(Json *j)
{
    while (j) {
        Json *next = j->next;
        json_free(j->child);
        free(j->key);
        free(j->str);
        free(j);
        j = next;
    }
}

static Json *json_get(Json *j, const char *key)
{
    if (!j || j->type != 'o')
        return NULL;
    for (Json *c = j->child; c; c = c->next)
        if (c->key && strcmp(c->key, key) == 0)
            return c;
    return NULL;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = xzalloc(cap + 1);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = xrealloc(buf, (cap *= 2) + 1);
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---- MOO reading ---------------------------------------------------------------- */

typedef struct Buf {
    const uint8_t *p;
    size_t len;
} Buf;

static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

/* Iterate chunks: returns false at the end. */
static bool next_chunk(Buf *b, char tag[5], Buf *payload)
{
    if (b->len < 8)
        return false;
    memcpy(tag, b->p, 4);
    tag[4] = '\0';
    uint32_t n = rd32(b->p + 4);
    if (n > b->len - 8)
        n = (uint32_t)(b->len - 8);
    payload->p = b->p + 8;
    payload->len = n;
    b->p += 8 + n;
    b->len -= 8 + n;
    return true;
}

typedef struct RegSet {
    uint16_t mask;
    uint16_t v[14];
} RegSet;

enum { MR_AX, MR_BX, MR_CX, MR_DX, MR_CS, MR_SS, MR_DS, MR_ES, MR_SP, MR_BP, MR_SI, MR_DI, MR_IP, MR_FLAGS };
static const char *const reg_names[14] = {
    "ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags",
};

typedef struct Test {
    uint32_t index;
    char name[96];
    Buf bytes;
    RegSet init, fina;
    Buf init_ram, fina_ram;        /* n x {u32 phys, u8 value} */
    bool has_excp;
    uint8_t excp_vector;
    uint8_t hash[20];
} Test;

static void parse_regs(Buf b, RegSet *r)
{
    memset(r, 0, sizeof *r);
    if (b.len < 2)
        return;
    r->mask = rd16(b.p);
    size_t off = 2;
    for (int i = 0; i < 14; i++)
        if ((r->mask >> i) & 1) {
            if (off + 2 <= b.len)
                r->v[i] = rd16(b.p + off);
            off += 2;
        }
}

static void parse_state(Buf b, RegSet *regs, Buf *ram)
{
    char tag[5];
    Buf pl;
    ram->p = NULL;
    ram->len = 0;
    while (next_chunk(&b, tag, &pl)) {
        if (strcmp(tag, "REGS") == 0) {
            parse_regs(pl, regs);
        } else if (strcmp(tag, "RAM ") == 0 && pl.len >= 4) {
            uint32_t n = rd32(pl.p);
            ram->p = pl.p + 4;
            ram->len = (size_t)n * 5 <= pl.len - 4 ? (size_t)n * 5 : 0;
        }
    }
}

static void parse_test(Buf b, Test *t)
{
    char tag[5];
    Buf pl;
    memset(t, 0, sizeof *t);
    if (b.len < 4)
        return;
    t->index = rd32(b.p);
    b.p += 4;
    b.len -= 4;
    while (next_chunk(&b, tag, &pl)) {
        if (strcmp(tag, "NAME") == 0 && pl.len >= 4) {
            uint32_t n = rd32(pl.p);
            if (n > pl.len - 4) n = (uint32_t)pl.len - 4;
            if (n >= sizeof t->name) n = sizeof t->name - 1;
            memcpy(t->name, pl.p + 4, n);
        } else if (strcmp(tag, "BYTS") == 0 && pl.len >= 4) {
            uint32_t n = rd32(pl.p);
            t->bytes.p = pl.p + 4;
            t->bytes.len = n <= pl.len - 4 ? n : pl.len - 4;
        } else if (strcmp(tag, "INIT") == 0) {
            parse_state(pl, &t->init, &t->init_ram);
        } else if (strcmp(tag, "FINA") == 0) {
            parse_state(pl, &t->fina, &t->fina_ram);
        } else if (strcmp(tag, "EXCP") == 0 && pl.len >= 1) {
            t->has_excp = true;
            t->excp_vector = pl.p[0];
        } else if (strcmp(tag, "HASH") == 0 && pl.len >= 20) {
            memcpy(t->hash, pl.p, 20);
        }
    }
}

static uint8_t *gz_read_all(const char *path, size_t *len)
{
    gzFile g = gzopen(path, "rb");
    if (!g)
        return NULL;
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = xzalloc(cap);
    int got;
    while ((got = gzread(g, buf + n, (unsigned)(cap - n))) > 0) {
        n += (size_t)got;
        if (n == cap)
            buf = xrealloc(buf, cap *= 2);
    }
    gzclose(g);
    *len = n;
    return buf;
}

/* ---- the run ---------------------------------------------------------------------- */

typedef struct Runner {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
    Json *meta;
    char *revoked;             /* revocation_list.txt contents (hex hashes) */
    bool verbose;
    long passed, failed, skipped;
} Runner;

static void hash_hex(const uint8_t h[20], char out[41])
{
    for (int i = 0; i < 20; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* metadata.json flags-mask for "XX" or "XX.R" */
static uint16_t meta_mask(Runner *r, const char *op, int reg)
{
    Json *o = json_get(json_get(r->meta, "opcodes"), op);
    if (reg >= 0) {
        char k[4];
        snprintf(k, sizeof k, "%d", reg);
        Json *rr = json_get(json_get(o, "reg"), k);
        if (rr)
            o = rr;
    }
    Json *m = json_get(o, "flags-mask");
    return m && m->type == 'n' ? (uint16_t)m->num : 0xffff;
}

/* Prefix count and opcode of the test instruction. */
static size_t skip_prefixes(const Test *t, bool *lock)
{
    size_t i = 0;
    *lock = false;
    while (i < t->bytes.len) {
        uint8_t b = t->bytes.p[i];
        if (b == 0xf0)
            *lock = true;
        else if (!(b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
                   b == 0x65 || b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3))
            break;
        i++;
    }
    return i;
}

/* README: LOCK is legal only on these with a memory destination. */
static bool lock_legal(uint8_t op, uint8_t modrm)
{
    unsigned reg = (modrm >> 3) & 7;
    if ((modrm >> 6) == 3)
        return false;
    if (op < 0x40 && (op & 7) <= 1 && (op & 0x38) != 0x38)
        return true;                       /* ALU Eb,Gb / Ev,Gv except CMP */
    if (op >= 0x80 && op <= 0x83)
        return reg != 7;
    if (op == 0x86 || op == 0x87)
        return true;
    if (op == 0xfe || op == 0xff)
        return reg <= 1;
    if (op == 0xf6 || op == 0xf7)
        return reg == 2 || reg == 3;
    return false;
}

static const char *skip_reason(Runner *r, const Test *t)
{
    char hex[41];
    hash_hex(t->hash, hex);
    if (r->revoked && strstr(r->revoked, hex))
        return "revoked";
    bool lock;
    size_t i = skip_prefixes(t, &lock);
    uint8_t op = i < t->bytes.len ? t->bytes.p[i] : 0;
    uint8_t modrm = i + 1 < t->bytes.len ? t->bytes.p[i + 1] : 0;
    if (lock && !lock_legal(op, modrm))
        return "LOCK #UD on 386+";
    if (t->bytes.len > 11)
        return "longer than 10 bytes";
    if ((op == 0x8c || op == 0x8e) && (((modrm >> 3) & 7) == 4 || ((modrm >> 3) & 7) == 5))
        return "MOV FS/GS on 386+";
    if (op >= 0xd8 && op <= 0xdf)
        return "x87 escape: the 286 ran it without a coprocessor, emu has an FPU";
    return NULL;
}

static void load_test(Runner *r, const Test *t)
{
    CpuState *cpu = r->cpu;
    const uint16_t *v = t->init.v;
    cpu_reset(cpu);
    memset(cpu->regs, 0, sizeof cpu->regs);
    cpu->regs[R_EAX] = v[MR_AX];
    cpu->regs[R_EBX] = v[MR_BX];
    cpu->regs[R_ECX] = v[MR_CX];
    cpu->regs[R_EDX] = v[MR_DX];
    cpu->regs[R_ESP] = v[MR_SP];
    cpu->regs[R_EBP] = v[MR_BP];
    cpu->regs[R_ESI] = v[MR_SI];
    cpu->regs[R_EDI] = v[MR_DI];
    cpu_set_seg_real(cpu, SEG_CS, v[MR_CS]);
    cpu_set_seg_real(cpu, SEG_SS, v[MR_SS]);
    cpu_set_seg_real(cpu, SEG_DS, v[MR_DS]);
    cpu_set_seg_real(cpu, SEG_ES, v[MR_ES]);
    cpu->eip = v[MR_IP];
    cpu_set_eflags(cpu, (v[MR_FLAGS] & 0x0fff) | 2);
    cpu->idtr.base = 0;
    cpu->idtr.limit = 0x3ff;
    for (size_t k = 0; k + 5 <= t->init_ram.len; k += 5) {
        uint32_t phys = rd32(t->init_ram.p + k);
        if (phys < RAM_SIZE)
            r->ram[phys] = t->init_ram.p[k + 4];
    }
}

static uint16_t cpu_reg_value(CpuState *cpu, int i)
{
    switch (i) {
    case MR_AX: return cpu_reg16(cpu, R_EAX);
    case MR_BX: return cpu_reg16(cpu, R_EBX);
    case MR_CX: return cpu_reg16(cpu, R_ECX);
    case MR_DX: return cpu_reg16(cpu, R_EDX);
    case MR_CS: return cpu->seg[SEG_CS].sel;
    case MR_SS: return cpu->seg[SEG_SS].sel;
    case MR_DS: return cpu->seg[SEG_DS].sel;
    case MR_ES: return cpu->seg[SEG_ES].sel;
    case MR_SP: return cpu_reg16(cpu, R_ESP);
    case MR_BP: return cpu_reg16(cpu, R_EBP);
    case MR_SI: return cpu_reg16(cpu, R_ESI);
    case MR_DI: return cpu_reg16(cpu, R_EDI);
    case MR_IP: return (uint16_t)cpu->eip;
    default: return (uint16_t)cpu_get_eflags(cpu);
    }
}

typedef struct FileCtx {
    const char *file;
    char op[3];
    int reg;                   /* -1 for a whole-opcode file */
    uint16_t mask;
    int details;
} FileCtx;

static void report(Runner *r, FileCtx *fc, const Test *t, const char *what,
                   uint32_t expected, uint32_t got)
{
    if (fc->details++ >= MAX_DETAIL && !r->verbose)
        return;
    char hex[41];
    hash_hex(t->hash, hex);
    printf("FAIL %s #%u (%s) [%.12s]: %s expected %04x got %04x\n", fc->file, t->index,
           t->name, hex, what, expected, got);
}

/* Extra masks for 386+ (README "Where a 386/486/Pentium legitimately differs"). */
static uint16_t flags_mask_for(const FileCtx *fc, const Test *t)
{
    uint16_t mask = fc->mask;
    unsigned op = (unsigned)strtoul(fc->op, NULL, 16);
    if (op == 0x9d || op == 0xcf)
        mask &= (uint16_t)~0x7000;
    if (op == 0xc0 || op == 0xc1 || op == 0xd2 || op == 0xd3) {
        mask &= (uint16_t)~EFLAGS_OF;
        unsigned width = (op & 1) ? 16 : 8;
        unsigned count = (op >= 0xd2) ? (t->init.v[MR_CX] & 0xff)
                                      : (t->bytes.len >= 2 ? t->bytes.p[t->bytes.len - 2] : 0);
        if (fc->reg >= 4 && (count & 0x1f) >= width)
            mask &= (uint16_t)~EFLAGS_CF;
    }
    return mask;
}

static bool check_test(Runner *r, FileCtx *fc, const Test *t)
{
    CpuState *cpu = r->cpu;
    bool ok = true;
    uint16_t fmask = flags_mask_for(fc, t);
    for (int i = 0; i < 14; i++) {
        bool listed = (t->fina.mask >> i) & 1;
        uint16_t exp = listed ? t->fina.v[i] : t->init.v[i];
        uint16_t got = cpu_reg_value(cpu, i);
        if (i == MR_FLAGS) {
            uint16_t m = listed ? fmask : (uint16_t)(fmask & 0x0fff);
            if ((exp ^ got) & m) {
                report(r, fc, t, "flags", exp, got);
                ok = false;
            }
        } else if (exp != got) {
            report(r, fc, t, reg_names[i], exp, got);
            ok = false;
        }
    }
    /* FLAGS image pushed by an exception: README says use the initial SS:SP */
    uint32_t ss = (uint32_t)t->init.v[MR_SS] << 4, sp = t->init.v[MR_SP];
    uint32_t flo = ss + ((sp - 2) & 0xffff), fhi = ss + ((sp - 1) & 0xffff);
    for (size_t k = 0; k + 5 <= t->fina_ram.len; k += 5) {
        uint32_t phys = rd32(t->fina_ram.p + k);
        uint8_t exp = t->fina_ram.p[k + 4];
        uint8_t got = phys < RAM_SIZE ? r->ram[phys] : 0xff;
        uint8_t m = 0xff;
        if (t->has_excp && phys == flo)
            m = (uint8_t)fmask;
        else if (t->has_excp && phys == fhi)
            m = (uint8_t)((fmask >> 8) & 0x0f);
        if ((exp ^ got) & m) {
            char what[32];
            snprintf(what, sizeof what, "ram[%05x]", phys);
            report(r, fc, t, what, exp, got);
            ok = false;
        }
    }
    return ok;
}

static void run_file(Runner *r, const char *path)
{
    size_t len;
    uint8_t *data = gz_read_all(path, &len);
    if (!data) {
        fprintf(stderr, "moo-run: %s: cannot read\n", path);
        r->failed++;
        return;
    }
    FileCtx fc = { 0 };
    char *pathcopy = xstrdup(path);
    fc.file = basename(pathcopy);
    memcpy(fc.op, fc.file, 2);
    fc.reg = (fc.file[2] == '.' && fc.file[3] >= '0' && fc.file[3] <= '7' && fc.file[4] == '.')
                 ? fc.file[3] - '0' : -1;
    fc.mask = meta_mask(r, fc.op, fc.reg);

    Buf b = { data, len }, pl;
    char tag[5];
    Test t;
    while (next_chunk(&b, tag, &pl)) {
        if (strcmp(tag, "TEST") != 0)
            continue;
        parse_test(pl, &t);
        const char *why = skip_reason(r, &t);
        if (why) {
            r->skipped++;
            continue;
        }
        load_test(r, &t);
        CpuState *cpu = r->cpu;
        /* the first step runs the instruction (and delivers its exception) */
        CpuExit ex = cpu_step(cpu);
        int vector = cpu->in->last_vector;
        /* 386+ raises #SS (12) where the 286 raised #GP (13) for SS accesses */
        if (t.has_excp && t.excp_vector == 13 && vector == 12) {
            r->skipped++;
            continue;
        }
        for (int steps = 0; steps < 1000000 && !cpu->halted && ex != CPU_EXIT_SHUTDOWN; steps++)
            ex = cpu_step(cpu);
        if (check_test(r, &fc, &t))
            r->passed++;
        else
            r->failed++;
    }
    free(pathcopy);
    free(data);
}

static void load_metadata(Runner *r, const char *first_file)
{
    char *copy = xstrdup(first_file);
    char *dir = dirname(copy);
    char path[4096];
    snprintf(path, sizeof path, "%s/metadata.json", dir);
    char *text = read_text(path);
    if (text) {
        const char *p = text;
        r->meta = json_parse(&p);
        free(text);
    } else {
        fprintf(stderr, "moo-run: %s: not found, flags compared unmasked\n", path);
    }
    snprintf(path, sizeof path, "%s/revocation_list.txt", dir);
    r->revoked = read_text(path);
    free(copy);
}

int main(int argc, char **argv)
{
    Runner r = { 0 };
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        r.verbose = true;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: moo-run [-v] FILE.MOO.gz ...\n");
        return 2;
    }
    load_metadata(&r, argv[first]);
    r.mem = addr_space_new(ADDR_SPACE_MEM);
    r.io = addr_space_new(ADDR_SPACE_IO);
    r.ram = xzalloc(RAM_SIZE);
    mem_map_ram(r.mem, 0, RAM_SIZE, r.ram);
    mem_set_a20(r.mem, true);
    r.cpu = cpu_create(r.mem, r.io);
    for (int i = first; i < argc; i++)
        run_file(&r, argv[i]);
    printf("%ld skipped\n", r.skipped);
    printf("%ld passed, %ld failed\n", r.passed, r.failed);
    cpu_free(r.cpu);
    addr_space_free(r.mem);
    addr_space_free(r.io);
    json_free(r.meta);
    free(r.revoked);
    free(r.ram);
    return r.failed ? 1 : 0;
}
