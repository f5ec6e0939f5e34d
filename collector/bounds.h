/*
 * Every limit the program enforces on input lives here, so that what a
 * hostile or broken message can cost is visible in one place.  Limits that
 * an operator may want to change are defaults for [limits] keys.
 */
#ifndef AC_BOUNDS_H
#define AC_BOUNDS_H

/* One message, raw bytes (default of [limits] max_message_size). */
#define MAX_MESSAGE_SIZE	(25u * 1024 * 1024)
/* Nesting of multipart and message/rfc822 parts. */
#define MAX_MIME_DEPTH		16
/* Parts in one message, all levels together. */
#define MAX_MIME_PARTS		512
/* Header fields in one header block, and one unfolded field's length. */
#define MAX_HEADERS		1000
#define MAX_HEADER_LEN		(64u * 1024)
/* Decoded bytes of all parts of one message together. */
#define MAX_DECODED_SIZE	(64u * 1024 * 1024)

/*
 * libetpan builds the whole MIME tree recursively before we can count
 * levels, and costs time in proportion to size times depth.  So nesting
 * is estimated on the text first (mime.c): a message whose estimate is
 * over max_mime_depth by more than this slack (room for header blocks
 * pasted into bodies, which look like nesting) never reaches libetpan.
 */
#define MIME_DEPTH_SLACK	4
/* Nested comments in one header field; libetpan recurses per level. */
#define MAX_COMMENT_DEPTH	256

/*
 * Memory for parsing one message, all of it together: the arena the
 * parts, header copies and decoded bodies live in, libetpan's MIME trees
 * (estimated before libetpan builds them) and buffers being decoded may
 * hold at most PARSE_MEM_PER_BYTE times the message's size plus
 * PARSE_MEM_BASE.  A message that needs more is refused (quarantined).
 * Peak memory of `parse` on one message, the raw copy, the program and
 * what the format parsers convert included, is at most
 * PARSE_RSS_PER_BYTE times its size plus PARSE_RSS_BASE (README,
 * tests/bench/bench-memory.sh).
 */
#define PARSE_MEM_PER_BYTE	8
#define PARSE_MEM_BASE		(16u * 1024 * 1024)
#define PARSE_RSS_PER_BYTE	12
#define PARSE_RSS_BASE		(48u * 1024 * 1024)
/* What libetpan allocates, per header field it reads (its structs, the
 * name and parameters: 150 to 520 bytes measured) and per MIME part,
 * besides copies of the header bytes. */
#define ETPAN_FIELD_COST	640
#define ETPAN_PART_COST		640

/* One extracted report field (subject, address, ...), after decoding. */
#define MAX_FIELD_LEN		998
/* Recipients kept per report; more are counted, not kept. */
#define MAX_RCPT		64
/* Keys read from one X-ARF report.txt (a flat YAML document). */
#define MAX_YAML_KEYS		64
/* An XARF JSON document; SQLite parses it once per field read. */
#define MAX_XARF_JSON		(8u * 1024 * 1024)
/* Bytes of a text part searched for the words of a complaint. */
#define COMPLAINT_SCAN		(64u * 1024)
/* Bytes of a message's own text searched for the texts of bounces,
 * auto-replies, ticket acknowledgements and requests. */
#define KIND_SCAN		(4u * 1024)
/* Evidence items looked at in one XARF JSON report. */
#define MAX_XARF_EVIDENCE	8

/* Configuration: inih 55 cuts lines at 200 bytes, so longer lines are
 * refused before it sees them. */
#define MAX_CONFIG_LINE		199
#define MAX_CONFIG_ERRORS	50
#define MAX_SOURCES		64
/* identity_regex: glibc's regcomp copies what a bounded or "+"
 * repetition repeats, so nested repetitions multiply the compiled size;
 * the size in atoms is held to MAX_REGEX_COST.  Bounded repetitions of
 * parts that may match nothing cost time with about the cube of their
 * bounds; the product of those bounds is held to MAX_REGEX_EMPTY_REPEAT. */
#define MAX_REGEX_COST		1024
#define MAX_REGEX_EMPTY_REPEAT	64
#define MAX_REGEX_DEPTH		16

/* Customer tables (CSV). */
#define MAX_TABLE_LINE		4096
#define MAX_CUSTOMER_LEN	200
/* Errors of one table logged; the rest are counted. */
#define MAX_TABLE_ERRORS	50
/* [store] group: a group name. */
#define MAX_GROUP_NAME		64

/* Outputs (reporters/). */
#define MAX_WEBHOOKS		32
#define MAX_EMAIL_RCPT		32
/* An e-mail address (RFC 5321 path limit) and a webhook name. */
#define MAX_ADDRESS_LEN		254
#define MAX_WEBHOOK_NAME	64
/* A secret or password file. */
#define MAX_SECRET_LEN		4096
/* Bytes of a webhook response kept (the rest is not read). */
#define MAX_HTTP_RESPONSE	(64u * 1024)
/* Outbox rows one deliver pass sends; the rest wait for the next. */
#define MAX_DELIVER_PER_PASS	1000
/* Rows per table of the HTML summary (the CSV files have them all). */
#define MAX_HTML_ROWS		500
/* Rows per table of the summary e-mail's HTML part. */
#define MAX_MAIL_ROWS		100
/* The summary e-mail, all parts together before encoding. */
#define MAX_EMAIL_SIZE		(16u * 1024 * 1024)

/* Messages and raw bytes handed to the parse worker and not yet stored
 * (pipeline.c). */
#define PIPELINE_JOBS		64
#define PIPELINE_BYTES		(32u * 1024 * 1024)

/* A source's last error as status shows it (source_health). */
#define SOURCE_ERROR_MAX	1024

/* Messages committed per transaction by the local sources. */
#define LOCAL_BATCH		500
/* The top Received: field read for a message's arrival, unfolded: a
 * longer one is not read (the arrival is then the collection). */
#define RECEIVED_FIELD_MAX	2048

/* IMAP sources. */
/* Certificates of a server's chain that are looked at. */
#define MAX_TLS_CHAIN		16
/* A password (file, environment or inline) and an OAuth2 access token. */
#define MAX_SECRET_LEN		4096
#define MAX_TOKEN_LEN		16384
/* Local actions ([action NAME]): the first bytes of a program's
 * standard error kept with a failure, and of its standard output read
 * (the rest of both is read and thrown away); the SMTP AUTH users of a
 * case handed to it. */
#define MAX_ACTION_STDERR	1024
#define MAX_ACTION_STDOUT	1024
#define MAX_CASE_USERS		100
#define MAX_CASE_USER_LEN	255
/* A ticket request template read from a file (create_body_file). */
#define MAX_TICKET_TEMPLATE	(32u * 1024)
/* Messages per transaction ([source] batch_size default and maximum). */
#define IMAP_BATCH		1000
#define IMAP_BATCH_MAX		10000
/* A UID range asked for sizes grows over sparse UIDs up to this many
 * times the batch size, which bounds the (uid, size) list per range. */
#define IMAP_WINDOW_GROWTH	16
/* New connections per folder and run to get past messages the server
 * fails to send (each such message takes a few). */
#define IMAP_REOPENS		32
/* Seconds ([source] connect_timeout and timeout defaults). */
#define IMAP_CONNECT_TIMEOUT	30
#define IMAP_TIMEOUT		60
/* All connections of one source in one run ([source] deadline). */
#define IMAP_DEADLINE		(30 * 60)
/* Bytes a literal may have beyond max_message_size: a body is asked for
 * up to the limit plus one byte, but servers count sizes differently. */
#define IMAP_LITERAL_SLACK	(64u * 1024)
/* Bytes of a server's responses outside literals until it completes a
 * command (libetpan keeps them until then): this much, plus this much
 * per UID of the widest range asked for (batch_size times
 * IMAP_WINDOW_GROWTH; the sizes of one message take about 90). */
#define IMAP_RESPONSE_BASE	(1024u * 1024)
#define IMAP_RESPONSE_PER_UID	256u
/* Folder names and host names from the configuration. */
#define MAX_FOLDER_LEN		255
/* A Message-ID that the after step searches the target folder for, to
 * find a copy made before a crash (longer ones are not searched for). */
#define MSGID_SEARCH_MAX	250
/* Configuration names compared for "did you mean": longer ones are
 * compared with nothing. */
#define MAX_SUGGEST_NAME	64
/* A [cases] timezone name, and how many names under the zoneinfo
 * directory are looked at to suggest the nearest zones. */
#define MAX_ZONE_NAME		64
#define MAX_ZONE_CANDIDATES	4000

/*
 * backup: pages copied per step of SQLite's online backup, and the pause
 * between steps (ms) that leaves the disk to a run going on meanwhile;
 * how long a busy store may hold up one step before the backup gives up.
 */
#define BACKUP_STEP_PAGES	1024
#define BACKUP_PAUSE_MS		2
#define BACKUP_BUSY_MS		30000

/* [notify]: contacts in contacts_file, the bytes of a contact's name,
 * template files in template_dir and the bytes of each, the sending
 * addresses, users and reporter domains a notice lists (each), its
 * sample messages. */
#define MAX_CONTACTS		1000000
#define MAX_CONTACT_NAME	200
#define MAX_NOTICE_TEMPLATES	64
#define MAX_NOTICE_TEMPLATE	(32u * 1024)
#define NOTICE_LIST_MAX		20
#define NOTICE_SAMPLES		10
/* Bytes of a notice's subject after its token. */
#define MAX_NOTICE_SUBJECT	200

/* status: the dead letters it lists, the newest first. */
#define STATUS_DEAD_MAX		20

/*
 * prune: at most PRUNE_BATCH rows deleted per transaction (a message's
 * or a case's own dependants come along): PRUNE_FIRST_BATCH at first
 * (its pages are not in the cache yet), doubled while a transaction
 * takes less than a quarter of PRUNE_TXN_MS and halved while one takes
 * longer (not below PRUNE_MIN_BATCH); and a pause of
 * PRUNE_PAUSE_MS after each: a writer waiting for the lock polls at
 * least every 100 ms (SQLite's busy handler), so it gets in before the
 * next transaction and never waits for more than about one of them.
 * Pages given back per incremental vacuum step.  Delivered outbox rows
 * are kept OUTBOX_KEEP_DELIVERED whatever [store] keep says (deliver
 * forgets them too).
 */
#define PRUNE_BATCH		2000
#define PRUNE_FIRST_BATCH	250
#define PRUNE_MIN_BATCH		50
#define PRUNE_TXN_MS		200
#define PRUNE_PAUSE_MS		110
#define PRUNE_VACUUM_PAGES	512
#define OUTBOX_KEEP_DELIVERED	(90 * 86400)

#endif
