#include "aiv.h"
/*
 * mhd_lazy.c - libmicrohttpd, opened when `serve` starts instead of at
 * every start of the program (lazy.h).
 *
 * With GnuTLS and the ten libraries it pulls in (p11-kit, nettle, gmp,
 * libtasn1, libunistring, ...) it cost about 7 ms of CPU at every start
 * of every command (perf stat; a bare main() linked with and without
 * it); only the server uses it.  server.c is unchanged and still
 * includes microhttpd.h, so the types and constants are its.
 *
 * When the library cannot be opened, the loader's message goes to stderr
 * once and the calls fail as the library reports failure:
 * MHD_start_daemon returns NULL (server.c says it cannot listen),
 * MHD_is_feature_supported says MHD_NO.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "core/lazy.h"

#define MHD_SONAME "libmicrohttpd.so.12"

/* every function forwarded; each pointer has the type of the library's own
   declaration (MHD_start_daemon goes through MHD_start_daemon_va) */
#define LAZY_MHD(X)                                                                      \
	X(MHD_start_daemon_va) X(MHD_stop_daemon) X(MHD_quiesce_daemon)                  \
	X(MHD_get_daemon_info) X(MHD_get_connection_info) X(MHD_lookup_connection_value) \
	X(MHD_http_unescape) X(MHD_suspend_connection) X(MHD_resume_connection)          \
	X(MHD_create_response_from_buffer) X(MHD_add_response_header)                    \
	X(MHD_destroy_response) X(MHD_queue_response) X(MHD_is_feature_supported)

#define LAZY_FIELD(name) __typeof__(&name) name;
static struct {
	LAZY_MHD(LAZY_FIELD)
	char why[256]; /* empty when the library and every symbol loaded */
} lz;
static pthread_once_t lz_once = PTHREAD_ONCE_INIT;
#define LAZY_MHD_SYM(name) LAZY_SYM_OF(lz, name)

static void lazy_load_once(void)
{
	static const struct lazy_sym mhd[] = { LAZY_MHD(LAZY_MHD_SYM) };

	lazy_open("serve", MHD_SONAME, mhd, sizeof(mhd) / sizeof(mhd[0]), lz.why, sizeof(lz.why));
}

/* 1 when every function is there; else 0, and lz.why says what is not */
static int loaded(void)
{
	pthread_once(&lz_once, lazy_load_once);
	return !lz.why[0];
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
				    MHD_AcceptPolicyCallback apc, void *apc_cls,
				    MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;

	if (!loaded())
		return NULL;
	va_start(ap, dh_cls);
	d = lz.MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

void MHD_stop_daemon(struct MHD_Daemon *d)
{
	if (loaded())
		lz.MHD_stop_daemon(d);
}

MHD_socket MHD_quiesce_daemon(struct MHD_Daemon *d)
{
	return loaded() ? lz.MHD_quiesce_daemon(d) : MHD_INVALID_SOCKET;
}

/* no MHD_DaemonInfoType nor MHD_ConnectionInfoType reads an argument
   after the type (microhttpd.h): the "..." is for none */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *d,
						enum MHD_DaemonInfoType type, ...)
{
	return loaded() ? lz.MHD_get_daemon_info(d, type) : NULL;
}

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *c,
							enum MHD_ConnectionInfoType type, ...)
{
	return loaded() ? lz.MHD_get_connection_info(c, type) : NULL;
}

const char *MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
					const char *key)
{
	return loaded() ? lz.MHD_lookup_connection_value(c, kind, key) : NULL;
}

size_t MHD_http_unescape(char *val)
{
	return loaded() ? lz.MHD_http_unescape(val) : strlen(val);
}

void MHD_suspend_connection(struct MHD_Connection *c)
{
	if (loaded())
		lz.MHD_suspend_connection(c);
}

void MHD_resume_connection(struct MHD_Connection *c)
{
	if (loaded())
		lz.MHD_resume_connection(c);
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
						     enum MHD_ResponseMemoryMode mode)
{
	return loaded() ? lz.MHD_create_response_from_buffer(size, buffer, mode) : NULL;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *r, const char *header,
					const char *content)
{
	return loaded() ? lz.MHD_add_response_header(r, header, content) : MHD_NO;
}

void MHD_destroy_response(struct MHD_Response *r)
{
	if (loaded())
		lz.MHD_destroy_response(r);
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *c, unsigned int status,
				   struct MHD_Response *r)
{
	return loaded() ? lz.MHD_queue_response(c, status, r) : MHD_NO;
}

enum MHD_Result MHD_is_feature_supported(enum MHD_FEATURE feature)
{
	return loaded() ? lz.MHD_is_feature_supported(feature) : MHD_NO;
}
