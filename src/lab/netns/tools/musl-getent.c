/*
 * getent's "ahosts", "ahostsv4", "ahostsv6" and "hosts" for a musl pod (Alpine's getent is musl's
 * getaddrinfo behind the same output): built with musl-gcc -static by the netns backend, so the
 * lab's Alpine pods resolve with the real musl stub resolver. Output lines follow glibc getent's.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *socktype(int t) {
  return t == SOCK_STREAM ? "STREAM" : t == SOCK_DGRAM ? "DGRAM" : "RAW";
}

static int ahosts(const char *name, int family) {
  struct addrinfo hints, *res, *ai;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_flags = AI_CANONNAME;
  if (getaddrinfo(name, NULL, &hints, &res) != 0) return 2;
  for (ai = res; ai; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN];
    const void *a = ai->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
    inet_ntop(ai->ai_family, a, buf, sizeof buf);
    printf("%-15s %-6s %s\n", buf, socktype(ai->ai_socktype), ai == res && ai->ai_canonname ? ai->ai_canonname : "");
  }
  freeaddrinfo(res);
  return 0;
}

static int hosts(const char *name) {
  struct addrinfo hints, *res;
  int fams[2] = {AF_INET6, AF_INET};
  for (int i = 0; i < 2; i++) {
    memset(&hints, 0, sizeof hints);
    hints.ai_family = fams[i];
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_CANONNAME;
    if (getaddrinfo(name, NULL, &hints, &res) != 0) continue;
    char buf[INET6_ADDRSTRLEN];
    const void *a = res->ai_family == AF_INET ? (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr : (const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
    inet_ntop(res->ai_family, a, buf, sizeof buf);
    printf("%-15s %s\n", buf, res->ai_canonname ? res->ai_canonname : name);
    freeaddrinfo(res);
    return 0;
  }
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "Usage: getent database key...\n");
    return 1;
  }
  int rc = 0;
  for (int i = 2; i < argc; i++) {
    int r;
    if (!strcmp(argv[1], "ahosts")) r = ahosts(argv[i], AF_UNSPEC);
    else if (!strcmp(argv[1], "ahostsv4")) r = ahosts(argv[i], AF_INET);
    else if (!strcmp(argv[1], "ahostsv6")) r = ahosts(argv[i], AF_INET6);
    else if (!strcmp(argv[1], "hosts")) r = hosts(argv[i]);
    else {
      fprintf(stderr, "Unknown database: %s\n", argv[1]);
      return 1;
    }
    if (r) rc = r;
  }
  return rc;
}
