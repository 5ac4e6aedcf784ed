/*
 * Where the CLI takes a password from: the CC_PASSWORD environment variable,
 * else one line of standard input (read without echo from a terminal). Never
 * from the command line, which every local user can read in ps and
 * /proc/<pid>/cmdline and which shells keep in their history.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cc_mem.h"
#include "cc_password.h"
#include "cli.h"

/* True when the command line carries --flag (with or without a value). */
static bool has_flag(const cli_args_t *args, const char *flag)
{
    size_t n = strlen(flag);
    for (int i = 0; i < args->argc; i++)
        if (strncmp(args->argv[i], "--", 2) == 0 && strncmp(args->argv[i] + 2, flag, n) == 0 &&
            (args->argv[i][2 + n] == '\0' || args->argv[i][2 + n] == '='))
            return true;
    return false;
}

/* Reads one line of standard input (its newline removed); returns it (caller frees) or NULL at EOF. */
static char *read_line(void)
{
    struct termios saved, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        fputs("password: ", stderr);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputc('\n', stderr);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

bool cli_password_flag_refused(const cli_args_t *args, const char *flag)
{
    if (!has_flag(args, flag))
        return false;
    fprintf(stderr,
            "certcycle: --%s is refused: a password on the command line is visible to other users (ps, "
            "/proc) and kept in shell history; give it on standard input (one line) or in CC_PASSWORD\n",
            flag);
    return true;
}

char *cli_password(void)
{
    const char *env = getenv("CC_PASSWORD");
    char *password = env != NULL && env[0] != '\0' ? cc_strdup(env) : read_line();
    if (password == NULL || password[0] == '\0') {
        fprintf(stderr, "certcycle: no password: give it on standard input (one line) or in CC_PASSWORD\n");
        cli_password_free(password);
        return NULL;
    }
    if (strlen(password) > CC_PASSWORD_MAX_LEN) {
        fprintf(stderr, "certcycle: the password must have at most %d characters\n", CC_PASSWORD_MAX_LEN);
        cli_password_free(password);
        return NULL;
    }
    return password;
}

void cli_password_free(char *password)
{
    if (password == NULL)
        return;
    explicit_bzero(password, strlen(password));
    free(password);
}
