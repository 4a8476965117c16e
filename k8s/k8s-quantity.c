/* k8s/k8s-quantity.c: resource.ParseQuantity() (k8s.io/apimachinery/pkg/api/resource/quantity.go) for
 * non-negative memory quantities, and time.ParseDuration() for the kubelet's grace periods and intervals. */
#include "k8s-quantity.h"

#include <string.h>

typedef struct {
  const char *suffix;
  guint64 num, den; /* the multiplier num/den */
} QuantitySuffix;

/* Longest suffixes first ("Mi" before "M", "m" is milli). */
static const QuantitySuffix suffixes[] = {
  { "Ki", G_GUINT64_CONSTANT(1) << 10, 1 }, { "Mi", G_GUINT64_CONSTANT(1) << 20, 1 },
  { "Gi", G_GUINT64_CONSTANT(1) << 30, 1 }, { "Ti", G_GUINT64_CONSTANT(1) << 40, 1 },
  { "Pi", G_GUINT64_CONSTANT(1) << 50, 1 }, { "Ei", G_GUINT64_CONSTANT(1) << 60, 1 },
  { "k", G_GUINT64_CONSTANT(1000), 1 },     { "M", G_GUINT64_CONSTANT(1000000), 1 },
  { "G", G_GUINT64_CONSTANT(1000000000), 1 }, { "T", G_GUINT64_CONSTANT(1000000000000), 1 },
  { "P", G_GUINT64_CONSTANT(1000000000000000), 1 }, { "E", G_GUINT64_CONSTANT(1000000000000000000), 1 },
  { "m", 1, 1000 },
  { "", 1, 1 },
};

/* ceil((whole + frac / 10^n_frac) * num / den): Quantity.Value() rounds up to a whole byte. 128-bit arithmetic
 * (gcc and clang on 64-bit targets): whole * num < 2^63 * 1000 (checked first) and at most 9 fraction digits, so
 * every product stays below 2^104. FALSE at 2^63 or more. */
static gboolean
scale(guint64 whole, guint64 frac, guint n_frac, guint64 num, guint64 den, guint64 *out)
{
  if ((unsigned __int128) whole * num >= ((unsigned __int128) 1 << 63) * den)
    return FALSE;
  unsigned __int128 pow10 = 1;
  for (guint i = 0; i < n_frac; i++)
    pow10 *= 10;
  unsigned __int128 numerator = ((unsigned __int128) whole * pow10 + frac) * num;
  unsigned __int128 denominator = pow10 * den;
  unsigned __int128 value = (numerator + denominator - 1) / denominator;
  if (value >= ((unsigned __int128) 1 << 63))
    return FALSE;
  *out = (guint64) value;
  return TRUE;
}

gboolean
k8s_parse_quantity(const char *text, guint64 *out_bytes)
{
  g_return_val_if_fail(text != NULL && out_bytes != NULL, FALSE);
  g_autofree char *copy = g_strstrip(g_strdup(text));
  const char *s = copy[0] == '+' ? copy + 1 : copy;
  guint64 whole = 0, frac = 0;
  guint n_whole = 0, n_frac = 0;
  for (; g_ascii_isdigit(*s); s++, n_whole++) {
    if (whole > (G_MAXUINT64 - 9) / 10)
      return FALSE;
    whole = whole * 10 + (guint64) (*s - '0');
  }
  if (*s == '.') {
    for (s++; g_ascii_isdigit(*s); s++) {
      if (n_frac == 9)
        return FALSE; /* more precision than a byte count needs (a nano-byte) */
      frac = frac * 10 + (guint64) (*s - '0');
      n_frac++;
    }
  }
  if (n_whole + n_frac == 0)
    return FALSE;
  if ((*s == 'e' || *s == 'E') && g_ascii_isdigit(s[1])) {
    guint64 exponent = 0;
    for (s++; g_ascii_isdigit(*s); s++)
      if ((exponent = exponent * 10 + (guint64) (*s - '0')) > 18)
        return FALSE;
    if (*s != '\0')
      return FALSE;
    guint64 num = 1;
    for (guint64 i = 0; i < exponent; i++)
      num *= 10;
    return scale(whole, frac, n_frac, num, 1, out_bytes);
  }
  for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++)
    if (strcmp(s, suffixes[i].suffix) == 0)
      return scale(whole, frac, n_frac, suffixes[i].num, suffixes[i].den, out_bytes);
  return FALSE;
}

gboolean
k8s_parse_go_duration(const char *text, guint64 *out_ns)
{
  static const struct {
    const char *unit;
    guint64 ns;
  } units[] = { { "ns", 1 }, { "us", 1000 }, { "µs", 1000 }, { "ms", 1000000 },
                { "s", G_GUINT64_CONSTANT(1000000000) }, { "m", G_GUINT64_CONSTANT(60000000000) },
                { "h", G_GUINT64_CONSTANT(3600000000000) } };
  g_return_val_if_fail(text != NULL && out_ns != NULL, FALSE);
  const char *s = text;
  if (strcmp(s, "0") == 0) {
    *out_ns = 0;
    return TRUE;
  }
  guint64 total = 0;
  if (*s == '\0')
    return FALSE;
  while (*s != '\0') {
    guint64 n = 0;
    if (!g_ascii_isdigit(*s))
      return FALSE;
    for (; g_ascii_isdigit(*s); s++) {
      if (n > G_MAXINT64 / 10)
        return FALSE;
      n = n * 10 + (guint64) (*s - '0');
    }
    gsize best = G_N_ELEMENTS(units);
    for (gsize i = 0; i < G_N_ELEMENTS(units); i++) /* "ms" before "m", "ns" before "s": longest match */
      if (g_str_has_prefix(s, units[i].unit) &&
          (best == G_N_ELEMENTS(units) || strlen(units[i].unit) > strlen(units[best].unit)))
        best = i;
    if (best == G_N_ELEMENTS(units))
      return FALSE;
    if (n > (guint64) G_MAXINT64 / units[best].ns || total + n * units[best].ns > (guint64) G_MAXINT64)
      return FALSE;
    total += n * units[best].ns;
    s += strlen(units[best].unit);
  }
  *out_ns = total;
  return TRUE;
}

char *k8s_go_duration_text(guint64 ns)
{
  const guint64 second = 1000000000u;
  if (ns == 0)
    return g_strdup("0s");
  if (ns < second) /* Go: "500ms", "1.5µs"...; the kubelet's back-offs are whole seconds */
    return ns % 1000000u == 0 ? g_strdup_printf("%" G_GUINT64_FORMAT "ms", ns / 1000000u)
                              : g_strdup_printf("%" G_GUINT64_FORMAT "ns", ns);
  guint64 s = ns / second, h = s / 3600, m = s / 60 % 60;
  GString *out = g_string_new(NULL);
  if (h)
    g_string_append_printf(out, "%" G_GUINT64_FORMAT "h", h);
  if (h || m)
    g_string_append_printf(out, "%" G_GUINT64_FORMAT "m", m);
  g_string_append_printf(out, "%" G_GUINT64_FORMAT, s % 60);
  if (ns % second) { /* the fraction without its trailing zeros */
    char frac[16];
    g_snprintf(frac, sizeof frac, ".%09" G_GUINT64_FORMAT, ns % second);
    for (char *end = frac + strlen(frac) - 1; *end == '0'; end--)
      *end = '\0';
    g_string_append(out, frac);
  }
  g_string_append_c(out, 's');
  return g_string_free(out, FALSE);
}
