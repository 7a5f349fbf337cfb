#include "stress/lz.h"

#include <string.h>

/* Sequence: token (literal length << 4 | (match length - 4)), extra literal-length bytes, literals,
 * 2-byte little-endian offset, extra match-length bytes. The last sequence has literals only. Length
 * nibble 15 means "more bytes follow, each adding up to 255". */
#define MIN_MATCH 4
#define MAX_OFFSET 65535u
#define LAST_LITERALS 5   /* the tail is always literals, so a match never runs past the end */

static uint32_t read32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint32_t hash4(uint32_t v)
{
    return (v * 2654435761u) >> (32 - SW_LZ_HASH_BITS);
}

static size_t put_len(uint8_t *out, size_t o, size_t cap, size_t len)
{
    while (len >= 255) {
        if (o >= cap)
            return 0;
        out[o++] = 255;
        len -= 255;
    }
    if (o >= cap)
        return 0;
    out[o++] = (uint8_t)len;
    return o;
}

static size_t emit(uint8_t *out, size_t o, size_t cap, const uint8_t *lit, size_t nlit, size_t off,
                   size_t mlen)
{
    if (o >= cap)
        return 0;
    size_t tok = o++;
    uint8_t lnib = nlit >= 15 ? 15 : (uint8_t)nlit;
    uint8_t mnib = 0;
    if (mlen)
        mnib = mlen - MIN_MATCH >= 15 ? 15 : (uint8_t)(mlen - MIN_MATCH);
    out[tok] = (uint8_t)(lnib << 4 | mnib);
    if (nlit >= 15 && !(o = put_len(out, o, cap, nlit - 15)))
        return 0;
    if (nlit > cap - o)
        return 0;
    memcpy(out + o, lit, nlit);
    o += nlit;
    if (!mlen)
        return o;
    if (cap - o < 2)
        return 0;
    out[o++] = (uint8_t)(off & 0xff);
    out[o++] = (uint8_t)(off >> 8);
    if (mlen - MIN_MATCH >= 15 && !(o = put_len(out, o, cap, mlen - MIN_MATCH - 15)))
        return 0;
    return o;
}

size_t sw_lz_compress(struct sw_lz_work *w, const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    /* Positions are stored +1 so 0 means "empty" and the table needs no per-call clearing cost
     * beyond one memset. */
    memset(w->table, 0, sizeof w->table);
    size_t o = 0, anchor = 0, i = 0;
    size_t limit = n > LAST_LITERALS + MIN_MATCH ? n - LAST_LITERALS - MIN_MATCH : 0;
    while (i < limit) {
        uint32_t v = read32(in + i);
        uint32_t h = hash4(v);
        size_t cand = w->table[h];
        w->table[h] = (uint32_t)(i + 1);
        if (cand && i - (cand - 1) <= MAX_OFFSET && read32(in + cand - 1) == v) {
            size_t ref = cand - 1, len = MIN_MATCH;
            size_t maxlen = n - LAST_LITERALS - i;
            while (len < maxlen && in[ref + len] == in[i + len])
                len++;
            o = emit(out, o, cap, in + anchor, i - anchor, i - ref, len);
            if (!o)
                return 0;
            /* Index the positions inside the match sparsely: better ratio than none, cheaper
             * than all. */
            for (size_t k = i + 1; k + 4 <= i + len && k < limit; k += 3)
                w->table[hash4(read32(in + k))] = (uint32_t)(k + 1);
            i += len;
            anchor = i;
        } else {
            i++;
        }
    }
    o = emit(out, o, cap, in + anchor, n - anchor, 0, 0);
    return o;
}

static int get_len(const uint8_t *in, size_t n, size_t *ip, size_t *len)
{
    uint8_t b;
    do {
        if (*ip >= n)
            return -1;
        b = in[(*ip)++];
        *len += b;
    } while (b == 255);
    return 0;
}

long sw_lz_decompress(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
    size_t ip = 0, op = 0;
    while (ip < n) {
        uint8_t tok = in[ip++];
        size_t nlit = tok >> 4;
        if (nlit == 15 && get_len(in, n, &ip, &nlit) < 0)
            return -1;
        if (nlit > n - ip || nlit > cap - op)
            return -1;
        memcpy(out + op, in + ip, nlit);
        ip += nlit;
        op += nlit;
        if (ip == n)   /* the last sequence carries literals only */
            break;
        if (n - ip < 2)
            return -1;
        size_t off = (size_t)in[ip] | (size_t)in[ip + 1] << 8;
        ip += 2;
        size_t mlen = (tok & 15u);
        if (mlen == 15 && get_len(in, n, &ip, &mlen) < 0)
            return -1;
        mlen += MIN_MATCH;
        if (off == 0 || off > op || mlen > cap - op)
            return -1;
        /* Byte by byte: the source may overlap the destination (run-length matches). */
        for (size_t k = 0; k < mlen; k++, op++)
            out[op] = out[op - off];
    }
    return (long)op;
}
