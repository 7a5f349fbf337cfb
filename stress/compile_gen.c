#include "stress/compile_gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "stress/digest.h"

#define OBJ_MAGIC "SWOBJ1\n"

static int buf_put(struct sw_cc_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            return -ENOMEM;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

static int buf_str(struct sw_cc_buf *b, const char *s)
{
    return buf_put(b, s, strlen(s));
}

static int buf_u32(struct sw_cc_buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return buf_put(b, x, 4);
}

void sw_cc_buf_free(struct sw_cc_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ------------------------------------------------------------------ source generator */
static const char *const stems[] = {"count", "total", "index", "offset", "mask", "hash", "len", "tmp",
                                    "acc", "state", "next", "prev", "key", "value", "node", "flags"};
static const char *const ops[] = {"+", "-", "*", "^", "&", "|", "<<", ">>"};

static void name_of(uint32_t i, char *out)
{
    const char *s = stems[sw_mix64(i) % (sizeof stems / sizeof stems[0])];
    size_t n = strlen(s);
    memcpy(out, s, n);
    out[n++] = '_';
    char tmp[12];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    while (k)
        out[n++] = tmp[--k];
    out[n] = '\0';
}

static int gen_expr(struct sw_cc_buf *b, struct sw_rng *r, uint32_t defined, int depth)
{
    uint64_t x = sw_rng_next(r);
    char tmp[32];
    if (depth >= 5 || (x & 3) == 0) {
        if (defined && (x & 4)) {
            name_of((uint32_t)((x >> 8) % defined), tmp);
        } else {
            uint32_t v = (uint32_t)((x >> 8) % 100000), k = 0;
            char d[12];
            do {
                d[k++] = (char)('0' + v % 10);
                v /= 10;
            } while (v);
            for (uint32_t j = 0; j < k; j++)
                tmp[j] = d[k - 1 - j];
            tmp[k] = '\0';
        }
        return buf_str(b, tmp);
    }
    if ((x & 0x70) == 0x70) {   /* unary complement */
        if (buf_str(b, "~"))
            return -ENOMEM;
        return gen_expr(b, r, defined, depth + 1);
    }
    int rc = buf_str(b, "(");
    rc |= gen_expr(b, r, defined, depth + 1);
    rc |= buf_str(b, " ");
    rc |= buf_str(b, ops[(x >> 16) % 8]);
    rc |= buf_str(b, " ");
    rc |= gen_expr(b, r, defined, depth + 1);
    rc |= buf_str(b, ")");
    return rc ? -ENOMEM : 0;
}

int sw_cc_source(uint64_t seed, struct sw_cc_buf *out)
{
    memset(out, 0, sizeof *out);
    struct sw_rng r;
    sw_rng_seed(&r, seed);
    uint32_t n = 1500 + (uint32_t)sw_rng_below(&r, 1000);
    for (uint32_t i = 0; i < n; i++) {
        char name[32];
        name_of(i, name);
        int rc = buf_str(out, "let ");
        rc |= buf_str(out, name);
        rc |= buf_str(out, " = ");
        rc |= gen_expr(out, &r, i, 0);
        rc |= buf_str(out, ";\n");
        if (rc) {
            sw_cc_buf_free(out);
            return -ENOMEM;
        }
    }
    return 0;
}

/* ------------------------------------------------------------------ front end */
enum tok_kind { T_END, T_LET, T_IDENT, T_NUM, T_OP, T_LPAREN, T_RPAREN, T_ASSIGN, T_SEMI, T_TILDE };

struct sym {
    struct sym *chain;   /* hash bucket chain            */
    struct sym *order;   /* definition order, for output */
    char *name;
    uint32_t len, hash, index, value;
    int defined;
};

struct tok {
    enum tok_kind kind;
    uint32_t val;    /* number, or operator index */
    struct sym *sym;
};

struct node {
    int op;          /* -1 number, -2 identifier, -3 complement, else binary operator index */
    uint32_t val;
    struct sym *sym;
    struct node *l, *r;
};

struct cc {
    struct sym **buckets;
    uint32_t nbuckets, nsyms;
    struct sym *first, *last;
    struct tok *toks;
    size_t ntok, captok, pos;
    int oom;
};

static struct sym *intern(struct cc *c, const char *s, uint32_t len)
{
    uint32_t h = (uint32_t)sw_fnv1a64(SW_FNV_INIT, s, len);
    for (struct sym *p = c->buckets[h & (c->nbuckets - 1)]; p; p = p->chain)
        if (p->hash == h && p->len == len && !memcmp(p->name, s, len))
            return p;
    struct sym *p = calloc(1, sizeof *p);
    char *name = p ? malloc(len + 1) : NULL;
    if (!name) {
        free(p);
        c->oom = 1;
        return NULL;
    }
    memcpy(name, s, len);
    name[len] = '\0';
    p->name = name;
    p->len = len;
    p->hash = h;
    p->index = c->nsyms++;
    p->chain = c->buckets[h & (c->nbuckets - 1)];
    c->buckets[h & (c->nbuckets - 1)] = p;
    return p;
}

static int push_tok(struct cc *c, enum tok_kind k, uint32_t val, struct sym *s)
{
    if (c->ntok == c->captok) {
        size_t cap = c->captok ? c->captok * 2 : 4096;
        struct tok *t = realloc(c->toks, cap * sizeof *t);
        if (!t)
            return -ENOMEM;
        c->toks = t;
        c->captok = cap;
    }
    c->toks[c->ntok++] = (struct tok){k, val, s};
    return 0;
}

static int tokenise(struct cc *c, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        char ch = s[i];
        int rc = 0;
        if (ch == ' ' || ch == '\n' || ch == '\t') {
            i++;
            continue;
        } else if ((ch >= 'a' && ch <= 'z') || ch == '_') {
            size_t j = i;
            while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || s[j] == '_' || (s[j] >= '0' && s[j] <= '9')))
                j++;
            if (j - i == 3 && !memcmp(s + i, "let", 3)) {
                rc = push_tok(c, T_LET, 0, NULL);
            } else {
                struct sym *sy = intern(c, s + i, (uint32_t)(j - i));
                rc = sy ? push_tok(c, T_IDENT, 0, sy) : -ENOMEM;
            }
            i = j;
        } else if (ch >= '0' && ch <= '9') {
            uint32_t v = 0;
            while (i < n && s[i] >= '0' && s[i] <= '9')
                v = v * 10 + (uint32_t)(s[i++] - '0');
            rc = push_tok(c, T_NUM, v, NULL);
        } else {
            int op = -1;
            enum tok_kind k = T_OP;
            size_t w = 1;
            switch (ch) {
            case '+': op = 0; break;
            case '-': op = 1; break;
            case '*': op = 2; break;
            case '^': op = 3; break;
            case '&': op = 4; break;
            case '|': op = 5; break;
            case '<': op = 6; w = 2; if (i + 1 >= n || s[i + 1] != '<') return -EINVAL; break;
            case '>': op = 7; w = 2; if (i + 1 >= n || s[i + 1] != '>') return -EINVAL; break;
            case '(': k = T_LPAREN; break;
            case ')': k = T_RPAREN; break;
            case '=': k = T_ASSIGN; break;
            case ';': k = T_SEMI; break;
            case '~': k = T_TILDE; break;
            default: return -EINVAL;
            }
            rc = push_tok(c, k, op < 0 ? 0 : (uint32_t)op, NULL);
            i += w;
        }
        if (rc)
            return rc;
    }
    return push_tok(c, T_END, 0, NULL);
}

static const int prec[8] = {4, 4, 5, 1, 2, 0, 3, 3};

static struct node *new_node(struct cc *c, int op, uint32_t val, struct sym *s, struct node *l, struct node *r)
{
    struct node *n = malloc(sizeof *n);
    if (!n) {
        c->oom = 1;
        return NULL;
    }
    *n = (struct node){op, val, s, l, r};
    return n;
}

static void free_tree(struct node *n)
{
    while (n) {   /* iterative on the right spine, recursive on the left: trees are shallow */
        struct node *r = n->r;
        free_tree(n->l);
        free(n);
        n = r;
    }
}

static struct node *parse_expr(struct cc *c, int min_prec);

static struct node *parse_primary(struct cc *c)
{
    struct tok *t = &c->toks[c->pos];
    switch (t->kind) {
    case T_NUM:
        c->pos++;
        return new_node(c, -1, t->val, NULL, NULL, NULL);
    case T_IDENT:
        c->pos++;
        return new_node(c, -2, 0, t->sym, NULL, NULL);
    case T_TILDE: {
        c->pos++;
        struct node *e = parse_primary(c);
        return e ? new_node(c, -3, 0, NULL, e, NULL) : NULL;
    }
    case T_LPAREN: {
        c->pos++;
        struct node *e = parse_expr(c, 0);
        if (!e || c->toks[c->pos].kind != T_RPAREN) {
            free_tree(e);
            return NULL;
        }
        c->pos++;
        return e;
    }
    default:
        return NULL;
    }
}

static struct node *parse_expr(struct cc *c, int min_prec)
{
    struct node *l = parse_primary(c);
    while (l && c->toks[c->pos].kind == T_OP && prec[c->toks[c->pos].val] >= min_prec) {
        int op = (int)c->toks[c->pos++].val;
        struct node *r = parse_expr(c, prec[op] + 1);
        if (!r) {
            free_tree(l);
            return NULL;
        }
        struct node *n = new_node(c, op, 0, NULL, l, r);
        if (!n) {
            free_tree(l);
            free_tree(r);
            return NULL;
        }
        l = n;
    }
    return l;
}

static uint32_t eval(const struct node *n)
{
    switch (n->op) {
    case -1: return n->val;
    case -2: return n->sym->defined ? n->sym->value : 0;
    case -3: return ~eval(n->l);
    default: break;
    }
    uint32_t a = eval(n->l), b = eval(n->r);
    switch (n->op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a ^ b;
    case 4: return a & b;
    case 5: return a | b;
    case 6: return a << (b & 31);
    default: return a >> (b & 31);
    }
}

/* Post-order code: 0x80|op for operators, 0x7e + value for numbers, 0x7d + symbol index for names. */
static int emit(struct sw_cc_buf *o, const struct node *n)
{
    if (n->op == -1) {
        uint8_t b = 0x7e;
        return buf_put(o, &b, 1) | buf_u32(o, n->val);
    }
    if (n->op == -2) {
        uint8_t b = 0x7d;
        return buf_put(o, &b, 1) | buf_u32(o, n->sym->index);
    }
    int rc = emit(o, n->l);
    if (n->r)
        rc |= emit(o, n->r);
    uint8_t b = (uint8_t)(0x80 | (n->op & 0x7f));
    return rc | buf_put(o, &b, 1);
}

int sw_cc_compile(const char *src, size_t len, struct sw_cc_buf *obj)
{
    memset(obj, 0, sizeof *obj);
    struct cc c;
    memset(&c, 0, sizeof c);
    c.nbuckets = 1024;   /* deliberately small: long chains to walk */
    c.buckets = calloc(c.nbuckets, sizeof *c.buckets);
    int rc = c.buckets ? tokenise(&c, src, len) : -ENOMEM;
    uint32_t nstmt = 0;
    if (!rc)
        rc = buf_str(obj, OBJ_MAGIC);
    while (!rc && c.toks[c.pos].kind != T_END) {
        /* let NAME = EXPR ; */
        struct tok *t = &c.toks[c.pos];
        if (t[0].kind != T_LET || t[1].kind != T_IDENT || t[2].kind != T_ASSIGN) {
            rc = -EINVAL;
            break;
        }
        struct sym *target = t[1].sym;
        c.pos += 3;
        struct node *e = parse_expr(&c, 0);
        if (!e || c.toks[c.pos].kind != T_SEMI) {
            free_tree(e);
            rc = c.oom ? -ENOMEM : -EINVAL;
            break;
        }
        c.pos++;
        target->value = eval(e);
        if (!target->defined) {
            target->defined = 1;
            if (c.last)
                c.last->order = target;
            else
                c.first = target;
            c.last = target;
        }
        size_t at = obj->len;
        rc = buf_u32(obj, target->index) | buf_u32(obj, 0) | emit(obj, e);
        if (!rc) {   /* patch in the code length */
            uint32_t n = (uint32_t)(obj->len - at - 8);
            memcpy(obj->data + at + 4, (uint8_t[4]){(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16),
                                                    (uint8_t)(n >> 24)}, 4);
        }
        free_tree(e);
        nstmt++;
    }
    /* Symbol table in definition order: name and final value. */
    if (!rc)
        rc = buf_u32(obj, nstmt) | buf_u32(obj, c.nsyms);
    for (struct sym *s = c.first; !rc && s; s = s->order)
        rc = buf_u32(obj, s->len) | buf_put(obj, s->name, s->len) | buf_u32(obj, s->value);
    for (uint32_t i = 0; i < c.nbuckets; i++)
        for (struct sym *s = c.buckets[i], *nx; s; s = nx) {
            nx = s->chain;
            free(s->name);
            free(s);
        }
    free(c.buckets);
    free(c.toks);
    if (rc)
        sw_cc_buf_free(obj);
    return rc ? (rc == -EINVAL ? -EINVAL : -ENOMEM) : 0;
}

int sw_cc_build_unit(uint64_t seed, struct sw_cc_buf *obj, uint64_t *digest)
{
    struct sw_cc_buf src;
    int rc = sw_cc_source(seed, &src);
    if (rc)
        return rc;
    rc = sw_cc_compile((const char *)src.data, src.len, obj);
    sw_cc_buf_free(&src);
    if (!rc)
        *digest = sw_fnv1a64(SW_FNV_INIT, obj->data, obj->len);
    return rc;
}
