/*
 * cmd_playground.c - `backprop playground`: serve the browser playground
 * (built by `make playground`) on the loopback interface.
 *
 * A deliberately small static-file server: GET and HEAD only, one
 * connection at a time, files from one directory and nothing above it
 * (paths are limited to letters, digits and . _ - /, and no ".."), the
 * right MIME type for WebAssembly so browsers compile it while it
 * downloads. It listens on 127.0.0.1 unless told otherwise. Each
 * connection gets its own short-lived thread: browsers open connections
 * they may never use, and one of those must not stall the page.
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: backprop playground [--port N] [--host ADDR] [--dir DIR]\n\n"
            "Serve the browser playground (the library compiled to WebAssembly;\n"
            "build it with `make playground`) and print its address.\n\n"
            "  --port N     port to listen on (default 8000; 0 picks a free one)\n"
            "  --host ADDR  address to listen on (default 127.0.0.1)\n"
            "  --dir DIR    the built page (default: the playground directory\n"
            "               beside this program, e.g. build/playground)\n");
}

static const char *mime(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
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

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return; /* the client went away: nothing to do */
        p += k;
        n -= (size_t)k;
    }
}

static void reply_status(int fd, int code, const char *text)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
                     code, text, strlen(text) + 1, text);
    send_all(fd, buf, (size_t)n);
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

static void serve_one(int fd, const char *dir)
{
    char req[2048];
    size_t n = 0;
    /* the request line and headers; we only need the first line */
    while (n < sizeof req - 1) {
        ssize_t k = recv(fd, req + n, sizeof req - 1 - n, 0);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        n += (size_t)k;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
            break;
    }
    req[n] = '\0';
    char method[8], path[512];
    if (sscanf(req, "%7s %511s", method, path) != 2) {
        reply_status(fd, 400, "bad request");
        return;
    }
    const int head = strcmp(method, "HEAD") == 0;
    if (!head && strcmp(method, "GET") != 0) {
        reply_status(fd, 405, "only GET and HEAD");
        return;
    }
    char *q = strpbrk(path, "?#");
    if (q)
        *q = '\0';
    if (!safe_path(path)) {
        reply_status(fd, 404, "not found");
        return;
    }
    char file[PATH_MAX];
    snprintf(file, sizeof file, "%s%s%s", dir, path,
             path[strlen(path) - 1] == '/' ? "index.html" : "");
    FILE *f = fopen(file, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        if (f)
            fclose(f);
        reply_status(fd, 404, "not found");
        return;
    }
    char hdr[256];
    int h = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n"
                     "Content-Length: %lld\r\nCache-Control: no-cache\r\n"
                     "Connection: close\r\n\r\n",
                     mime(file), (long long)st.st_size);
    send_all(fd, hdr, (size_t)h);
    char buf[1 << 16];
    size_t k;
    while (!head && (k = fread(buf, 1, sizeof buf, f)) > 0)
        send_all(fd, buf, k);
    fclose(f);
}

typedef struct {
    int fd;
    const char *dir;
} conn;

static void *conn_main(void *arg)
{
    conn *c = arg;
    /* a client that stalls gives up its thread after 5 s */
    struct timeval tv = {5, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    serve_one(c->fd, c->dir);
    close(c->fd);
    free(c);
    return NULL;
}

/* The default page directory: "playground" beside the executable. */
static int default_dir(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    return snprintf(out, cap, "%s/playground", exe) < (int)cap ? 0 : -1;
}

int cmd_playground(int argc, char **argv)
{
    static const struct option longopts[] = {{"help", no_argument, 0, 'h'},
                                             {"port", required_argument, 0, 'p'},
                                             {"host", required_argument, 0, 'H'},
                                             {"dir", required_argument, 0, 'd'},
                                             {0, 0, 0, 0}};
    const char *host = "127.0.0.1", *dir_opt = NULL;
    int port = 8000, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            usage(stdout);
            return CLI_OK;
        case 'p':
            if (cli_int("playground", "--port", optarg, 0, 65535, &port))
                return CLI_USAGE;
            break;
        case 'H':
            host = optarg;
            break;
        case 'd':
            dir_opt = optarg;
            break;
        case ':':
            fprintf(stderr, "backprop playground: %s needs a value\n",
                    argv[optind - 1]);
            return CLI_USAGE;
        default:
            fprintf(stderr, "backprop playground: unknown option '%s'\n",
                    argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    char dir[PATH_MAX], index[PATH_MAX + 16];
    if (dir_opt)
        snprintf(dir, sizeof dir, "%s", dir_opt);
    else if (default_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "backprop playground: cannot find the page: give --dir\n");
        return CLI_ERR;
    }
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dir[--dl] = '\0';
    snprintf(index, sizeof index, "%s/backprop.wasm", dir);
    if (access(index, R_OK) != 0) {
        fprintf(stderr, "backprop playground: %s: not found (build the page "
                        "with `make playground`, or give --dir)\n", index);
        return CLI_ERR;
    }
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "backprop playground: --host: '%s' is not an IPv4 "
                        "address\n", host);
        return CLI_USAGE;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s, 16) != 0) {
        fprintf(stderr, "backprop playground: %s:%d: %s\n", host, port,
                strerror(errno));
        if (s >= 0)
            close(s);
        return CLI_ERR;
    }
    socklen_t len = sizeof addr;
    getsockname(s, (struct sockaddr *)&addr, &len);
    printf("backprop playground: serving %s at http://%s:%d/ (Ctrl-C stops)\n",
           dir, host, ntohs(addr.sin_port));
    fflush(stdout);
    for (;;) {
        int fd = accept(s, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            fprintf(stderr, "backprop playground: accept: %s\n", strerror(errno));
            close(s);
            return CLI_ERR;
        }
        conn *cn = malloc(sizeof *cn);
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        if (cn) {
            cn->fd = fd;
            cn->dir = dir;
        }
        if (!cn || pthread_create(&th, &attr, conn_main, cn) != 0) {
            reply_status(fd, 503, "busy"); /* out of threads: say so */
            close(fd);
            free(cn);
        }
        pthread_attr_destroy(&attr);
    }
}
