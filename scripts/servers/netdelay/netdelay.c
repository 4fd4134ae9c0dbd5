/*
 * netdelay: holds every packet of one netfilter queue for a set time, then lets it through.
 *
 * The kernel of our machines lacks sch_netem (`tc qdisc ... netem` answers "unknown qdisc"), so the
 * harness adds delay the other honest way: an iptables NFQUEUE rule in the router namespace of a
 * storebench network hands each forwarded packet to this process (metadata only, no payload copy),
 * which gives the ACCEPT verdict once the packet is `delay` (+/- jitter) old. Packets leave in the
 * order they came (never reordered), so one batch verdict releases every packet that is due.
 *
 * usage: netdelay <queue-num> <delay-us> [<jitter-us>]
 *   stdin: `delay <us> <jitter-us>` lines change the delay while running (each packet is held
 *   <us> +/- up to <jitter-us>); `stats` asks for the counters; EOF ends the process.
 *   stdout: `ready` once bound, `delay <us> <jitter-us>` after each change, and
 *   `packets <n> max_held <n> stamped <n>` after `stats` and on exit.
 * Needs CAP_NET_ADMIN in the namespace it runs in (root). Built by scripts/servers/install.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <endian.h>
#include <unistd.h>

#define RING (1u << 20) /* packets held at once; far above what a 2-core run can put in flight */

struct held {
  uint32_t id;
  int64_t due_ns;
};

static struct held ring[RING];
static uint32_t head, tail; /* ring[head..tail) are held, oldest first */
static int nl;
static uint16_t queue_num;
static int64_t delay_ns, jitter_ns, last_due;
static uint64_t packets, max_held, stamped;
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* A CLOCK_REALTIME instant (the kernel's receive timestamp) on the monotonic clock. */
static int64_t monotonic_of(int64_t realtime_ns) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  int64_t real_now = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
  int64_t arrived = now_ns() - (real_now - realtime_ns);
  int64_t now = now_ns();
  return arrived > now ? now : arrived;
}

/* xorshift64*: uniform jitter, no need for quality beyond spreading delays. */
static double uniform(void) {
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return (double)((rng * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static void die(const char *what) {
  fprintf(stderr, "netdelay: %s: %s\n", what, strerror(errno));
  exit(1);
}

static size_t put_attr(char *buf, size_t off, uint16_t type, const void *data, uint16_t len) {
  struct nlattr *a = (struct nlattr *)(buf + off);
  a->nla_type = type;
  a->nla_len = NLA_HDRLEN + len;
  memcpy(buf + off + NLA_HDRLEN, data, len);
  return off + NLA_ALIGN(a->nla_len);
}

/* One nfnetlink message to the queue subsystem; config messages wait for the kernel's ack. */
static void send_msg(uint8_t msg, char *attrs, size_t attrs_len, int ack) {
  char buf[256];
  struct nlmsghdr *h = (struct nlmsghdr *)buf;
  struct nfgenmsg *g = (struct nfgenmsg *)NLMSG_DATA(h);
  memset(buf, 0, sizeof buf);
  h->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | msg;
  h->nlmsg_flags = NLM_F_REQUEST | (ack ? NLM_F_ACK : 0);
  g->nfgen_family = AF_UNSPEC;
  g->version = NFNETLINK_V0;
  g->res_id = htons(queue_num);
  size_t off = NLMSG_LENGTH(sizeof *g);
  memcpy(buf + off, attrs, attrs_len);
  h->nlmsg_len = off + attrs_len;
  if (send(nl, buf, h->nlmsg_len, 0) < 0) die("send");
  if (!ack) return;
  char reply[4096];
  ssize_t n = recv(nl, reply, sizeof reply, 0);
  if (n < 0) die("recv ack");
  struct nlmsghdr *r = (struct nlmsghdr *)reply;
  if (r->nlmsg_type == NLMSG_ERROR) {
    struct nlmsgerr *e = (struct nlmsgerr *)NLMSG_DATA(r);
    if (e->error != 0) {
      errno = -e->error;
      die("queue config");
    }
  }
}

static void configure(void) {
  char attrs[128];
  size_t off = 0;
  struct nfqnl_msg_config_cmd cmd = {.command = NFQNL_CFG_CMD_BIND, .pf = htons(AF_INET)};
  off = put_attr(attrs, off, NFQA_CFG_CMD, &cmd, sizeof cmd);
  send_msg(NFQNL_MSG_CONFIG, attrs, off, 1);

  off = 0;
  struct nfqnl_msg_config_params params = {.copy_range = htonl(0), .copy_mode = NFQNL_COPY_META};
  off = put_attr(attrs, off, NFQA_CFG_PARAMS, &params, sizeof params);
  uint32_t maxlen = htonl(RING / 2);
  off = put_attr(attrs, off, NFQA_CFG_QUEUE_MAXLEN, &maxlen, sizeof maxlen);
  /* GSO: hand over large segments whole (metadata only), as netem would delay them whole. */
  uint32_t flags = htonl(NFQA_CFG_F_GSO);
  off = put_attr(attrs, off, NFQA_CFG_MASK, &flags, sizeof flags);
  off = put_attr(attrs, off, NFQA_CFG_FLAGS, &flags, sizeof flags);
  send_msg(NFQNL_MSG_CONFIG, attrs, off, 1);
}

/* ACCEPT every held packet up to and including `id` (ids of one queue only grow). */
static void release_through(uint32_t id) {
  char attrs[32];
  struct nfqnl_msg_verdict_hdr v = {.verdict = htonl(NF_ACCEPT), .id = htonl(id)};
  size_t off = put_attr(attrs, 0, NFQA_VERDICT_HDR, &v, sizeof v);
  send_msg(NFQNL_MSG_VERDICT_BATCH, attrs, off, 0);
}

static void hold(uint32_t id, int64_t arrived_ns) {
  if (tail - head >= RING) {
    fprintf(stderr, "netdelay: more than %u packets held\n", RING);
    exit(1);
  }
  int64_t due = arrived_ns + delay_ns;
  if (jitter_ns > 0) due += (int64_t)((uniform() * 2.0 - 1.0) * (double)jitter_ns);
  if (due < last_due) due = last_due; /* never overtake an earlier packet */
  last_due = due;
  ring[tail % RING] = (struct held){id, due};
  tail++;
  packets++;
  if (tail - head > max_held) max_held = tail - head;
}

static void read_packets(void) {
  static char buf[1 << 16];
  for (;;) {
    ssize_t n = recv(nl, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      if (errno == ENOBUFS) {
        fprintf(stderr, "netdelay: netlink buffer overrun (packets dropped by the kernel)\n");
        return;
      }
      die("recv");
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
      if ((h->nlmsg_type & 0xff) != NFQNL_MSG_PACKET) continue;
      size_t off = NLMSG_LENGTH(sizeof(struct nfgenmsg));
      int have_id = 0;
      uint32_t id = 0;
      int64_t arrived = now_ns();
      while (off + NLA_HDRLEN <= h->nlmsg_len) {
        struct nlattr *a = (struct nlattr *)((char *)h + off);
        if (a->nla_len < NLA_HDRLEN) break;
        int type = a->nla_type & NLA_TYPE_MASK;
        if (type == NFQA_PACKET_HDR) {
          struct nfqnl_msg_packet_hdr *p = (struct nfqnl_msg_packet_hdr *)((char *)a + NLA_HDRLEN);
          id = ntohl(p->packet_id);
          have_id = 1;
        } else if (type == NFQA_TIMESTAMP) {
          struct nfqnl_msg_packet_timestamp *t = (struct nfqnl_msg_packet_timestamp *)((char *)a + NLA_HDRLEN);
          int64_t received = (int64_t)be64toh(t->sec) * 1000000000 + (int64_t)be64toh(t->usec) * 1000;
          arrived = monotonic_of(received);
          stamped++;
        }
        off += NLA_ALIGN(a->nla_len);
      }
      if (have_id) hold(id, arrived);
    }
  }
}

/* Packets due within this much of the one that woke us leave with it: one wake-up and one verdict for a
   burst (a request and its ACKs) instead of one per packet, at most 20 us early on a 250+ us hold. */
#define COALESCE_NS 20000

static void release_due(void) {
  int64_t now = now_ns();
  uint32_t last = head;
  while (last != tail && ring[last % RING].due_ns <= now + COALESCE_NS) last++;
  if (last == head) return;
  release_through(ring[(last - 1) % RING].id);
  head = last;
}

static void set_delay(long us, long jitter_us) {
  delay_ns = (int64_t)us * 1000;
  jitter_ns = (int64_t)jitter_us * 1000;
  printf("delay %ld %ld\n", us, jitter_us);
  fflush(stdout);
}

static void print_stats(void) {
  printf("packets %llu max_held %llu stamped %llu\n", (unsigned long long)packets, (unsigned long long)max_held,
         (unsigned long long)stamped);
  fflush(stdout);
}

/* Returns 0 at EOF. */
static int read_control(void) {
  static char line[256];
  static size_t len;
  ssize_t n = read(STDIN_FILENO, line + len, sizeof line - 1 - len);
  if (n <= 0) return n < 0 && errno == EINTR;
  len += (size_t)n;
  char *nl_at;
  while ((nl_at = memchr(line, '\n', len)) != NULL) {
    *nl_at = '\0';
    long us, jitter_us = 0;
    if (strcmp(line, "stats") == 0) print_stats();
    else if (sscanf(line, "delay %ld %ld", &us, &jitter_us) >= 1 && us >= 0 && jitter_us >= 0) set_delay(us, jitter_us);
    else fprintf(stderr, "netdelay: ignored control line \"%s\"\n", line);
    size_t rest = len - (size_t)(nl_at + 1 - line);
    memmove(line, nl_at + 1, rest);
    len = rest;
  }
  if (len == sizeof line - 1) len = 0;
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: netdelay <queue-num> <delay-us> [<jitter-us>]\n");
    return 2;
  }
  queue_num = (uint16_t)atoi(argv[1]);
  signal(SIGPIPE, SIG_IGN);
  prctl(PR_SET_TIMERSLACK, 1UL); /* wake within microseconds, not the default 50 us */
  nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
  if (nl < 0) die("socket");
  int size = 8 << 20;
  setsockopt(nl, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  struct sockaddr_nl addr = {.nl_family = AF_NETLINK};
  if (bind(nl, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
  configure();
  /* Any socket asking for receive timestamps makes the kernel stamp every packet on arrival, so the
     delay counts from when a packet reached the router, not from when this process read it. */
  int stamp_socket = socket(AF_INET, SOCK_DGRAM, 0);
  int on = 1;
  if (stamp_socket >= 0) setsockopt(stamp_socket, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  set_delay(atol(argv[2]), argc > 3 ? atol(argv[3]) : 0);
  printf("ready\n");
  fflush(stdout);

  struct pollfd fds[2] = {{.fd = nl, .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
  for (;;) {
    struct timespec wait, *timeout = NULL;
    if (head != tail) {
      int64_t left = ring[head % RING].due_ns - now_ns();
      if (left < 0) left = 0;
      wait.tv_sec = left / 1000000000;
      wait.tv_nsec = left % 1000000000;
      timeout = &wait;
    }
    int ready = ppoll(fds, 2, timeout, NULL);
    if (ready < 0 && errno != EINTR) die("ppoll");
    if (ready > 0 && (fds[0].revents & POLLIN)) read_packets();
    if (ready > 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
      if (!read_control()) break;
    }
    release_due();
  }
  /* Let what is held through before leaving, so nothing in flight is lost on a clean stop. */
  while (head != tail) {
    release_through(ring[(tail - 1) % RING].id);
    head = tail;
  }
  print_stats();
  return 0;
}
