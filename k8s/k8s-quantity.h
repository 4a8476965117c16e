/* k8s/k8s-quantity.h: Kubernetes resource quantities ("128Mi", "1G", "1.5Gi", "100M", "1e9") and Go durations
 * ("10s", "1m30s"), as the kubelet reads them.
 *
 * A stand-in until the scenario size parser learns quantities (issue 10): the rules are those of
 * k8s.io/apimachinery/pkg/api/resource (Quantity.Value(): rounded up to a whole byte) and Go's
 * time.ParseDuration(), restricted to what a memory setting needs (no negative values).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "N", "N.F" with an optional suffix Ki Mi Gi Ti Pi Ei (powers of 1024), k M G T P E (powers of 1000), m (1/1000),
 * or an exponent eN/EN; white space around it is allowed. Bytes, rounded up as Quantity.Value() rounds. FALSE for
 * anything else, a negative number or a value of 2^63 or more. */
gboolean k8s_parse_quantity(const char *text, guint64 *out_bytes);
/* Go durations: a sequence of decimal numbers with units ns us ms s m h ("1m30s", "10s", "0"). FALSE when not
 * one, or past 2^63 ns. */
gboolean k8s_parse_go_duration(const char *text, guint64 *out_ns);
/* A duration as Go's time.Duration.String() writes one of at least a second: "10s", "1m20s", "5m0s", "1h0m0s",
 * "1.5s" (the kubelet's "back-off 5m0s restarting failed container"); below a second: "0s", or "500ms". */
char *k8s_go_duration_text(guint64 ns);

G_END_DECLS
