/* OUR CPU signature table: CPUID leaf 1 EAX (+ brand string) -> codename and market segment.
 * libcpuid 0.6.2 names many recent parts wrongly (0xBA Raptor Lake-P as "Pentium III", Sapphire
 * Rapids as "Conroe"; shared/docs/cpuid-hwloc.md §3), and the Vmin-shift rules key on the die, so
 * the table follows Intel's microcode signatures (shared/docs/raptor-lake.md §1.2). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "probes/probe_int.h"

uint32_t sw_cpu_sig_display_family(uint32_t sig)
{
    uint32_t f = (sig >> 8) & 0xf;
    return f == 0xf ? f + ((sig >> 20) & 0xff) : f;
}

uint32_t sw_cpu_sig_display_model(uint32_t sig)
{
    uint32_t f = (sig >> 8) & 0xf, m = (sig >> 4) & 0xf;
    return (f == 6 || f == 0xf) ? m | (((sig >> 16) & 0xf) << 4) : m;
}

uint32_t sw_cpu_sig_from_fms(unsigned family, unsigned model, unsigned stepping)
{
    unsigned base = family >= 0xf ? 0xf : family, ext = family >= 0xf ? family - 0xf : 0;
    unsigned em = (base == 6 || base == 0xf) ? (model >> 4) & 0xf : 0;
    return (ext & 0xff) << 20 | (em << 16) | (base << 8) | ((model & 0xf) << 4) | (stepping & 0xf);
}

/* The SKU token of an Intel brand string: "i9-14900K" -> "14900K"; NULL if none. */
static const char *intel_sku(const char *brand)
{
    for (const char *p = brand; (p = strchr(p, '-')) != NULL; p++)
        if (p > brand && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[-1]))
            return p + 1;
    return NULL;
}

/* Ends with suffix (after trimming trailing blanks and an "@ 2.20GHz" clock). */
static bool sku_suffix(const char *brand, const char *suffix)
{
    const char *sku = intel_sku(brand);
    if (!sku)
        sku = brand;
    size_t n = 0;
    while (sku[n] && !isspace((unsigned char)sku[n]))
        n++;
    size_t sl = strlen(suffix);
    return n >= sl && !strncmp(sku + n - sl, suffix, sl) && isdigit((unsigned char)sku[n - sl - 1]);
}

static bool intel_gen(const char *brand, const char *gen)   /* gen "13" or "14" */
{
    char th[16];
    snprintf(th, sizeof th, "%sth Gen", gen);
    if (strstr(brand, th))
        return true;
    const char *sku = intel_sku(brand);   /* 14th gen brands dropped the "14th Gen" prefix */
    return sku && !strncmp(sku, gen, 2) && strlen(sku) >= 5 && isdigit((unsigned char)sku[4]);
}

static bool has(const char *brand, const char *s)
{
    return strstr(brand, s) != NULL;
}

static void set(struct sw_cpu_ident *o, const char *codename, const char *segment, const char *note)
{
    o->codename = codename;
    o->segment = segment;
    o->note = note;
}

static void intel6(uint32_t model, uint32_t step, const char *b, struct sw_cpu_ident *o)
{
    bool server = has(b, "Xeon") || has(b, "XEON");
    switch (model) {
    case 0xB7:   /* Raptor Lake B0 die: the Vmin-shift silicon (0xB0671, 0xB0674) */
        if (server)
            set(o, "Raptor Lake-E", "server", "Xeon E-2400 on the Raptor Lake B0 die (06-b7-01)");
        else if (sku_suffix(b, "HX"))
            set(o, intel_gen(b, "14") ? "Raptor Lake-HX Refresh" : "Raptor Lake-HX", "mobile",
                "HX laptop part on the Raptor Lake B0 die; Intel says mobile parts are not affected");
        else if (intel_gen(b, "14"))
            set(o, "Raptor Lake Refresh", "desktop", step == 4 ? "stepping 4 (0xB0674): same microcode as 0xB0671" : NULL);
        else
            set(o, "Raptor Lake-S", "desktop", step == 4 ? "stepping 4 (0xB0674): same microcode as 0xB0671" : NULL);
        return;
    case 0xBF:   /* Alder Lake C0/H0 silicon sold as 13th/14th gen: not the Vmin-shift die */
        set(o, "Raptor Lake-S (Alder Lake die)", sku_suffix(b, "HX") ? "mobile" : "desktop",
            "Alder Lake C0/H0 die sold as 13th/14th gen; shares Alder Lake microcode (0x3x); "
            "not the Raptor Lake B0 die of the Vmin-shift issue");
        return;
    case 0xBA:
        set(o, sku_suffix(b, "U") ? "Raptor Lake-U" : sku_suffix(b, "H") ? "Raptor Lake-H" : "Raptor Lake-P",
            "mobile", "mobile Raptor Lake; Intel says mobile parts are not affected by the Vmin shift");
        return;
    case 0x97:
        if (sku_suffix(b, "HX"))
            set(o, "Alder Lake-HX", "mobile", NULL);
        else
            set(o, "Alder Lake-S", "desktop", NULL);
        return;
    case 0x9A:
        set(o, sku_suffix(b, "U") ? "Alder Lake-U" : sku_suffix(b, "H") || sku_suffix(b, "HK") ? "Alder Lake-H"
                                                                                              : "Alder Lake-P",
            "mobile", NULL);
        return;
    case 0xBE: set(o, "Alder Lake-N", "mobile", NULL); return;
    case 0x8F: set(o, "Sapphire Rapids", "server", NULL); return;
    case 0xCF: set(o, "Emerald Rapids", "server", NULL); return;
    case 0xAD: set(o, "Granite Rapids", "server", NULL); return;
    case 0xAF: set(o, "Sierra Forest", "server", NULL); return;
    case 0xAA: case 0xAC: set(o, "Meteor Lake", "mobile", NULL); return;
    case 0xC6: set(o, sku_suffix(b, "HX") ? "Arrow Lake-HX" : "Arrow Lake-S", sku_suffix(b, "HX") ? "mobile" : "desktop", NULL); return;
    case 0xC5: set(o, "Arrow Lake-H", "mobile", NULL); return;
    case 0xB5: set(o, "Arrow Lake-U", "mobile", NULL); return;
    case 0xBD: set(o, "Lunar Lake", "mobile", NULL); return;
    case 0xA7: set(o, "Rocket Lake", server ? "server" : "desktop", NULL); return;
    case 0xA5: set(o, "Comet Lake", server ? "server" : "desktop", NULL); return;
    case 0xA6: set(o, "Comet Lake", "mobile", NULL); return;
    case 0x8C: case 0x8D: set(o, "Tiger Lake", "mobile", NULL); return;
    case 0x7E: set(o, "Ice Lake", "mobile", NULL); return;
    case 0x6A: set(o, "Ice Lake-SP", "server", NULL); return;
    case 0x6C: set(o, "Ice Lake-D", "server", NULL); return;
    case 0x55: set(o, step >= 5 ? "Cascade Lake" : "Skylake-SP", "server", NULL); return;
    case 0x9E: set(o, "Coffee Lake", sku_suffix(b, "H") || sku_suffix(b, "HK") ? "mobile" : server ? "server" : "desktop", NULL); return;
    case 0x8E: set(o, "Kaby Lake/Whiskey Lake", "mobile", NULL); return;
    case 0x5E: set(o, "Skylake-S", "desktop", NULL); return;
    case 0x4E: set(o, "Skylake", "mobile", NULL); return;
    case 0x3A: set(o, "Ivy Bridge", "unknown", NULL); return;
    case 0x2E: set(o, "Nehalem-EX", "server", NULL); return;
    default: return;
    }
}

static const char *amd_segment(const char *b)
{
    if (has(b, "EPYC"))
        return "server";
    if (has(b, "Threadripper"))
        return "desktop";
    /* Ryzen mobile SKUs end in U/H/HS/HX (5800H, 6800HS, 7940H); Z1 is a handheld part */
    const char *p = strstr(b, "Ryzen");
    if (p && has(b, "Ryzen Z"))
        return "mobile";
    if (p) {
        p += 5;
        while (*p && !isdigit((unsigned char)*p))
            p++;   /* "Ryzen 7 " */
        while (*p && isdigit((unsigned char)*p))
            p++;
        while (*p == ' ')
            p++;
        while (*p && isdigit((unsigned char)*p))
            p++;   /* model number */
        if (*p == 'U' || *p == 'H')
            return "mobile";
        return "desktop";
    }
    return "unknown";
}

static void amd(uint32_t fam, uint32_t model, const char *b, struct sw_cpu_ident *o)
{
    const char *seg = amd_segment(b);
    const char *n = NULL;
    if (fam == 0x17) {
        if (model <= 0x0F)
            n = model >= 0x08 ? "Zen+ (Pinnacle Ridge/Colfax)" : has(b, "EPYC") ? "Zen (Naples)" : "Zen (Summit Ridge/Whitehaven)";
        else if (model <= 0x2F) n = "Zen/Zen+ (Raven Ridge/Picasso)";
        else if (model <= 0x3F) n = has(b, "EPYC") ? "Zen 2 (Rome)" : "Zen 2 (Castle Peak)";
        else if (model >= 0x60 && model <= 0x6F) n = "Zen 2 (Renoir/Lucienne)";
        else if (model >= 0x70 && model <= 0x7F) n = "Zen 2 (Matisse)";
        else if (model >= 0x90 && model <= 0x9F) n = "Zen 2 (Van Gogh)";
        else if (model >= 0xA0 && model <= 0xAF) n = "Zen 2 (Mendocino)";
        else n = "Zen/Zen 2";
    } else if (fam == 0x19) {
        if (model <= 0x0F) n = model >= 0x08 ? "Zen 3 (Chagall)" : "Zen 3 (Milan)";
        else if (model <= 0x1F) n = model >= 0x18 ? "Zen 4 (Storm Peak)" : "Zen 4 (Genoa)";
        else if (model <= 0x2F) n = "Zen 3 (Vermeer)";
        else if (model >= 0x40 && model <= 0x4F) n = "Zen 3+ (Rembrandt)";
        else if (model >= 0x50 && model <= 0x5F) n = "Zen 3 (Cezanne/Barcelo)";
        else if (model >= 0x60 && model <= 0x6F) n = "Zen 4 (Raphael)";
        else if (model >= 0x70 && model <= 0x77) n = "Zen 4 (Phoenix/Hawk Point)";
        else if (model >= 0x78 && model <= 0x7F) n = "Zen 4 (Phoenix 2)";
        else if (model >= 0xA0 && model <= 0xAF) n = "Zen 4c (Bergamo/Siena)";
        else n = "Zen 3/Zen 4";
    } else if (fam == 0x1A) {
        if (model <= 0x1F) n = "Zen 5 (Turin)";
        else if (model >= 0x20 && model <= 0x2F) n = "Zen 5 (Strix Point)";
        else if (model >= 0x40 && model <= 0x4F) n = "Zen 5 (Granite Ridge)";
        else n = "Zen 5";
    } else if (fam == 0x16) {
        n = "Jaguar (Kabini)";
    }
    if (n)
        set(o, n, seg, NULL);
    else
        o->segment = seg;
}

void sw_cpu_identify(const char *vendor, uint32_t sig, const char *brand, struct sw_cpu_ident *out)
{
    set(out, NULL, "unknown", NULL);
    const char *b = brand ? brand : "";
    uint32_t fam = sw_cpu_sig_display_family(sig), model = sw_cpu_sig_display_model(sig);
    if (vendor && !strcmp(vendor, "GenuineIntel") && fam == 6)
        intel6(model, sig & 0xf, b, out);
    else if (vendor && (!strcmp(vendor, "AuthenticAMD") || !strcmp(vendor, "HygonGenuine")))
        amd(fam, model, b, out);
    if (!strcmp(out->segment, "unknown") && (has(b, "Xeon") || has(b, "XEON") || has(b, "EPYC")))
        out->segment = "server";
}
