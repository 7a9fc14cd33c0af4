/*
 * checkpoint.h - the ledger's head, written down somewhere else.
 *
 * A ledger shortened at its tail, or rewritten and re-chained by someone
 * who can write the database, is still a valid chain.  What catches it is
 * a head recorded before: the entry that was the head then must still be
 * there with the same hash.  Two forms, one parser each, both here:
 *
 *   SEQ:HASH        `audit checkpoint`, `audit verify --expect-head`
 *   a signed note   `audit checkpoint --sign KEY`, `audit verify
 *                   --checkpoint FILE --key PUB`, `serve --checkpoint-key`
 *
 * The signed note is a C2SP tlog-checkpoint in the C2SP signed-note
 * format, the one transparency logs and their witnesses exchange:
 *
 *   aivalue.example/ledger              origin (the key's name)
 *   2850                                tree size: the head's seq
 *   5KH5fTzyZ1ajHKsy3q8aYhmZZvPV2BWO... base64 of the head's 32-byte hash
 *                                       blank line
 *   — aivalue.example/ledger AbCd...    em dash, key name,
 *                                       base64(key id[4] || Ed25519 sig[64])
 *
 * The signature covers the body up to and including its last newline.
 * key id = SHA-256(name || 0x0A || 0x01 || public key)[:4].  Keys are
 * written as Go's sumdb/note writes them:
 *   private  PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed[32])>
 *   public   <name>+<hex key id>+<base64(0x01 || public key[32])>
 * Ed25519 through OpenSSL's libcrypto (EVP_PKEY_ED25519).
 */
#ifndef AIV_LEDGER_CHECKPOINT_H
#define AIV_LEDGER_CHECKPOINT_H

#include "aiv.h"
#include "core/hash.h"

/* Parse "SEQ:HASH" (seq > 0, 64 lowercase hex digits); 0 or -1. */
int ledger_parse_head(const char *s, int64_t *seq, char hash[SHA256_HEX]);

/*
 * A new key pair named `name` (non-empty, no spaces or '+').  *skey and
 * *vkey are the private and public key texts (no newline); caller frees.
 */
int ledger_key_generate(const char *name, char **skey, char **vkey, struct aiv_err *err);

/*
 * The signed checkpoint note for head (size, hash) with private key text
 * `skey`; *note is the whole note (caller frees).
 */
int ledger_checkpoint_sign(const char *skey, int64_t size, const char *hash,
			   char **note, struct aiv_err *err);

struct ledger_checkpoint {
	char origin[256];
	int64_t size;
	char hash[SHA256_HEX]; /* hex */
};

/*
 * Parse `note` (len bytes) and verify its signature by public key text
 * `vkey`: the note must carry a line by that key's name and id whose
 * signature is valid.  `file` names the note in errors.  AIV_EINPUT for a
 * malformed note or key, AIV_EPERM for a missing or bad signature.
 */
int ledger_checkpoint_open(const char *note, size_t len, const char *vkey, const char *file,
			   struct ledger_checkpoint *cp, struct aiv_err *err);

/*
 * Write text to path atomically (a temporary file beside it, then
 * rename): a reader sees the old checkpoint or the new one, never half.
 * `mode` is for the new file (0600 for a private key).
 */
int ledger_write_file(const char *path, const char *text, int mode, struct aiv_err *err);

/*
 * The server's checkpoint publisher: a thread that opens db_path read-only
 * and, at start and every every_us, signs the head with private key text
 * `skey` and writes the note to `out`, when the head moved.  Errors are
 * reported on stderr and retried at the next tick.  Returns NULL (err
 * filled) if the key does not sign; stop with ledger_publisher_stop.
 */
struct ledger_publisher;
struct ledger_publisher *ledger_publisher_start(const char *db_path, const char *skey,
						const char *out, int64_t every_us,
						struct aiv_err *err);
/* Stop the thread (publishing once more first), free everything. */
void ledger_publisher_stop(struct ledger_publisher *p);

#endif
