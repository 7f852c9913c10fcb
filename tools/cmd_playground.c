/*
 * cmd_playground.c - `backprop playground`: serve the browser playground
 * (built by `make playground`) on the loopback interface.
 *
 * A deliberately small static-file server: GET and HEAD only, files from
 * one directory and nothing that resolves outside it (paths are limited
 * to letters, digits and . _ - /, no "..", and a file reached through a
 * symbolic link must still lie inside the directory), the right MIME
 * type for WebAssembly so browsers compile it while it downloads. It
 * listens on 127.0.0.1 unless told otherwise.
 *
 * Each connection gets a short-lived thread (browsers open connections
 * they may never use, and one of those must not stall the page), but no
 * more than --max-connections at once: beyond that a client gets 503 at
 * once. A client has --timeout seconds from its connection to send the
 * whole request, and six times that to take the reply: a deadline for
 * the whole exchange, not a timeout renewed by every byte. When accept()
 * fails for want of resources (EMFILE, ENFILE, ENOBUFS, ENOMEM) the
 * server waits and tries again, up to a second apart, instead of exiting.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: backprop playground [--port N] [--host ADDR] [--dir DIR]\n"
        "                           [--max-connections N] [--timeout S]\n\n"
        "Serve the browser playground (the library compiled to WebAssembly;\n"
        "build it with `make playground`) and print its address.\n\n"
        "  --port N     port to listen on (default 8000; 0 picks a free one)\n"
        "  --host ADDR  address to listen on (default 127.0.0.1)\n"
        "  --dir DIR    the built page (default: the playground directory\n"
        "               beside this program, e.g. build/playground)\n"
        "  --max-connections N   connections served at once (default 32);\n"
        "               more get 503 at once\n"
        "  --timeout S  seconds a client has to send its whole request\n"
        "               (default 10); it has 6 times that to take the reply\n");
}

/* ------------------------------------------------------------ the server */

typedef struct {
    char root[PATH_MAX]; /* the page directory, resolved */
    size_t root_len;
    int max_conn;
    double timeout; /* seconds for the request */
    pthread_mutex_t lock;
    int active; /* connections being served */
} server;

typedef struct {
    int fd;
    server *srv;
} conn;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Wait until fd is ready for events or the deadline passes: 1 ready,
 * 0 the deadline passed, -1 an error. */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        double left = deadline - now();
        if (left <= 0)
            return 0;
        struct pollfd p = {fd, events, 0};
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? -1 : r > 0 ? 1 : 0;
    }
}

/* Send all of p before the deadline; a client that went away or is too
 * slow is simply dropped. */
static void send_all(int fd, const char *p, size_t n, double deadline)
{
    while (n > 0 && wait_fd(fd, POLLOUT, deadline) == 1) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (k <= 0)
            return;
        p += k;
        n -= (size_t)k;
    }
}

/* A whole reply of one short line, into buf[256]; its length. */
static size_t status_reply(char *buf, int code, const char *text)
{
    int n = snprintf(buf, 256,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
                     code, text, strlen(text) + 1, text);
    return n > 0 && n < 256 ? (size_t)n : 0;
}

static void reply_status(int fd, int code, const char *text, double deadline)
{
    char buf[256];
    send_all(fd, buf, status_reply(buf, code, text), deadline);
}

/* Read the request line and headers (we need only the first line) into
 * req[cap], before the deadline. Its length, or -1. */
static int read_request(int fd, char *req, size_t cap, double deadline)
{
    size_t n = 0;
    req[0] = '\0';
    while (n < cap - 1) {
        if (wait_fd(fd, POLLIN, deadline) != 1)
            return -1;
        ssize_t k = recv(fd, req + n, cap - 1 - n, MSG_DONTWAIT);
        if (k < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (k <= 0)
            break;
        n += (size_t)k;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
            break;
    }
    return (int)n;
}

static const char *mime(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".wasm", "application/wasm"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".json", "application/json"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "text/plain; charset=utf-8";
}

/* A request path we serve: "/" or letters, digits, . _ - / without "..". */
static int safe_path(const char *p)
{
    if (p[0] != '/' || strstr(p, ".."))
        return 0;
    for (; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
              ('0' <= *p && *p <= '9') || strchr("._-/", *p)))
            return 0;
    return 1;
}

/* Open the file a request path names, if it is a regular file whose real
 * path (every symbolic link followed) lies inside the page directory:
 * a link planted in the directory must not serve /etc/passwd. Its
 * descriptor, or -1; *size gets its size. */
static int open_inside(const server *s, const char *path, off_t *size)
{
    char file[PATH_MAX * 2], real[PATH_MAX];
    snprintf(file, sizeof file, "%s%s%s", s->root, path,
             path[strlen(path) - 1] == '/' ? "index.html" : "");
    if (!realpath(file, real) || strncmp(real, s->root, s->root_len) != 0 ||
        real[s->root_len] != '/')
        return -1;
    int fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return -1;
    }
    if (fd >= 0)
        *size = st.st_size;
    return fd;
}

static void serve_one(int fd, const server *s)
{
    const double start = now();
    const double req_deadline = start + s->timeout;
    const double reply_deadline = start + 6 * s->timeout;
    char req[2048], method[8], path[512];
    if (read_request(fd, req, sizeof req, req_deadline) < 0)
        return; /* too slow, or gone: no reply owed */
    if (sscanf(req, "%7s %511s", method, path) != 2) {
        reply_status(fd, 400, "bad request", reply_deadline);
        return;
    }
    const int head = strcmp(method, "HEAD") == 0;
    if (!head && strcmp(method, "GET") != 0) {
        reply_status(fd, 405, "only GET and HEAD", reply_deadline);
        return;
    }
    char *q = strpbrk(path, "?#");
    if (q)
        *q = '\0';
    off_t size = 0;
    int file = safe_path(path) ? open_inside(s, path, &size) : -1;
    if (file < 0) {
        reply_status(fd, 404, "not found", reply_deadline);
        return;
    }
    char hdr[256];
    int h = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
                     "Content-Length: %lld\r\nCache-Control: no-cache\r\n"
                     "Connection: close\r\n\r\n",
                     mime(path[strlen(path) - 1] == '/' ? "index.html" : path),
                     (long long)size);
    send_all(fd, hdr, (size_t)h, reply_deadline);
    char buf[1 << 16];
    ssize_t k;
    while (!head && now() < reply_deadline &&
           (k = read(file, buf, sizeof buf)) > 0)
        send_all(fd, buf, (size_t)k, reply_deadline);
    close(file);
}

static void *conn_main(void *arg)
{
    conn *c = arg;
    serve_one(c->fd, c->srv);
    close(c->fd);
    pthread_mutex_lock(&c->srv->lock);
    c->srv->active--;
    pthread_mutex_unlock(&c->srv->lock);
    free(c);
    return NULL;
}

/* Hand a new connection to a thread of its own, or, at the bound (or
 * out of threads), answer 503 here without waiting for the client. */
static void dispatch(server *s, int fd)
{
    pthread_mutex_lock(&s->lock);
    const int room = s->active < s->max_conn;
    if (room)
        s->active++;
    pthread_mutex_unlock(&s->lock);
    conn *c = room ? malloc(sizeof *c) : NULL;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t th;
    if (c) {
        c->fd = fd;
        c->srv = s;
    }
    if (!c || pthread_create(&th, &attr, conn_main, c) != 0) {
        char buf[256]; /* one try into the socket's buffer, never a wait */
        ssize_t sent = send(fd, buf, status_reply(buf, 503, "busy"),
                            MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)sent;
        /* end our side first and take what the client already sent, so
         * that close() does not answer its request with a reset */
        shutdown(fd, SHUT_WR);
        char sink[4096];
        for (int i = 0; i < 16 && recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0;
             i++)
            ;
        close(fd);
        free(c);
        if (room) {
            pthread_mutex_lock(&s->lock);
            s->active--;
            pthread_mutex_unlock(&s->lock);
        }
    }
    pthread_attr_destroy(&attr);
}

/* Accept connections until a fatal error. Running out of descriptors or
 * memory is not fatal: connections end, and then there is room again. */
static int serve_forever(server *s, int listener)
{
    double delay = 0;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd >= 0) {
            delay = 0;
            dispatch(s, fd);
            continue;
        }
        const int e = errno;
        if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
            if (delay == 0)
                fprintf(stderr,
                        "backprop playground: accept: %s; waiting "
                        "for connections to end\n",
                        strerror(e));
            delay = delay == 0 ? 0.01 : delay * 2 > 1 ? 1 : delay * 2;
            struct timespec ts = {0, (long)(delay * 1e9)};
            if (delay >= 1)
                ts.tv_sec = 1, ts.tv_nsec = 0;
            nanosleep(&ts, NULL);
        } else if (e != EINTR && e != ECONNABORTED && e != EPROTO &&
                   e != EPERM && e != ENETDOWN && e != EHOSTUNREACH &&
                   e != ENETUNREACH && e != ETIMEDOUT) {
            fprintf(stderr, "backprop playground: accept: %s\n", strerror(e));
            return CLI_ERR;
        }
    }
}

/* --------------------------------------------------------------- setup */

typedef struct {
    const char *host, *dir;
    int port, max_conn, timeout;
} pg_args;

/* 0, 1 after --help, -1 on a usage error. */
static int pg_parse(int argc, char **argv, pg_args *a)
{
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},
        {"port", required_argument, 0, 'p'},
        {"host", required_argument, 0, 'H'},
        {"dir", required_argument, 0, 'd'},
        {"max-connections", required_argument, 0, 'm'},
        {"timeout", required_argument, 0, 't'},
        {0, 0, 0, 0}};
    *a = (pg_args){"127.0.0.1", NULL, 8000, 32, 10};
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return 1;
        case 'p':
            if (cli_int("playground", "--port", optarg, 0, 65535, &a->port))
                return -1;
            break;
        case 'm':
            if (cli_int("playground", "--max-connections", optarg, 1, 4096,
                        &a->max_conn))
                return -1;
            break;
        case 't':
            if (cli_int("playground", "--timeout", optarg, 1, 3600,
                        &a->timeout))
                return -1;
            break;
        case 'H':
            a->host = optarg;
            break;
        case 'd':
            a->dir = optarg;
            break;
        case ':':
            fprintf(stderr, "backprop playground: %s needs a value\n",
                    argv[optind - 1]);
            return -1;
        default:
            fprintf(stderr, "backprop playground: unknown option '%s'\n",
                    argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "backprop playground: unexpected argument '%s'\n",
                argv[optind]);
        return -1;
    }
    return 0;
}

/* The page directory, resolved: --dir, or "playground" beside the
 * executable. It must hold backprop.wasm. */
static int page_dir(const char *dir_opt, server *s)
{
    char dir[PATH_MAX], index[PATH_MAX + 16];
    if (dir_opt) {
        snprintf(dir, sizeof dir, "%s", dir_opt);
    } else {
        ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 16);
        char *slash = n > 0 ? (dir[n] = '\0', strrchr(dir, '/')) : NULL;
        if (!slash) {
            fprintf(stderr,
                    "backprop playground: cannot find the page: give "
                    "--dir\n");
            return -1;
        }
        strcpy(slash, "/playground");
    }
    snprintf(index, sizeof index, "%s/backprop.wasm", dir);
    if (access(index, R_OK) != 0 || !realpath(dir, s->root)) {
        fprintf(stderr,
                "backprop playground: %s: not found (build the page "
                "with `make playground`, or give --dir)\n",
                index);
        return -1;
    }
    s->root_len = strlen(s->root);
    if (s->root_len == 1) /* "/": every path lies inside */
        s->root_len = 0;
    return 0;
}

/* A listening socket on host:port; *port gets the port bound. */
static int listen_on(const char *host, int *port)
{
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)*port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr,
                "backprop playground: --host: '%s' is not an IPv4 "
                "address\n",
                host);
        return -2;
    }
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(s, (struct sockaddr *)&addr, sizeof addr) || listen(s, 64)) {
        fprintf(stderr, "backprop playground: %s:%d: %s\n", host, *port,
                strerror(errno));
        if (s >= 0)
            close(s);
        return -1;
    }
    socklen_t len = sizeof addr;
    getsockname(s, (struct sockaddr *)&addr, &len);
    *port = ntohs(addr.sin_port);
    return s;
}

int cmd_playground(int argc, char **argv)
{
    pg_args a;
    int rc = pg_parse(argc, argv, &a);
    if (rc)
        return rc > 0 ? CLI_OK : CLI_USAGE;
    /* static: after a fatal accept error, detached threads may still be
     * finishing their connections with it */
    static server s;
    memset(&s, 0, sizeof s);
    s.max_conn = a.max_conn;
    s.timeout = a.timeout;
    pthread_mutex_init(&s.lock, NULL);
    if (page_dir(a.dir, &s))
        return CLI_ERR;
    int port = a.port;
    int listener = listen_on(a.host, &port);
    if (listener < 0)
        return listener == -2 ? CLI_USAGE : CLI_ERR;
    printf("backprop playground: serving %s at http://%s:%d/ (Ctrl-C stops)\n",
           s.root, a.host, port);
    fflush(stdout);
    rc = serve_forever(&s, listener);
    close(listener);
    return rc;
}
