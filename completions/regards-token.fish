# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_regards_token_global_optspecs
    string join \n v/verbose profile= h/help V/version
end

function __fish_regards_token_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_regards_token_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_regards_token_using_subcommand
    set -l cmd (__fish_regards_token_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c regards-token -n "__fish_regards_token_needs_command" -l profile -d 'Use this profile of the config file, for a command that reads it [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_needs_command" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regards-token -n "__fish_regards_token_needs_command" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "get" -d 'Print an access token: the cached one while it lasts, else a new one'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "login" -d 'Log in once and remember the password in the system keyring, so that later runs renew tokens without asking'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "status" -d 'List the cached tokens with their expiry, and the remembered passwords'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "logout" -d 'Remove cached tokens, and forget remembered passwords (unless --keep-password)'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "exec" -d 'Run a command with a token in its environment (REGARDS_TOKEN)'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "inspect" -d 'Decode a token offline and show its claims (never its signature)'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "doctor" -d 'Check the set-up: config, cache store, server, TLS, clock'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "config" -d 'Show where the config file is and what the settings resolve to'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "man" -d 'Print a manual page (roff): the tool\'s, or one command\'s'
complete -c regards-token -n "__fish_regards_token_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l profile -d 'Use this profile of the config file [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l host -d 'The gateway\'s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -s s -l scope -d 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -s u -l username -d 'The login, usually an e-mail address [env: REGARDS_USERNAME]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l client-id -d 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l client-secret -d 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag\'s value is visible to every user in `ps`' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l request-style -d 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]' -r -f -a "json\t'Scope in the query string, credentials in a JSON body (REGARDS 2.x)'
query\t'Everything in the query string (REGARDS 1.x; deprecated by 2.x)'"
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l retries -d 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway\'s own 503) [default: 2]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l ca-cert -d 'A PEM file of extra certificate authorities to trust, in addition to the system\'s [env: REGARDS_CA_CERT]' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l timeout -d 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l password-file -d 'Read the password from the first line of this file' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l cache -d 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]' -r -f -a "auto\t'The system keyring if one answers, else a private file (with a warning)'
keyring\t'The system keyring, or fail with exit code 6'
file\t'A private file under the user\'s cache folder'
none\t'Keep nothing: log in every time'"
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l min-ttl -d 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l lock-timeout -d 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l format -d 'What to print: token, json, header (an HTTP header line), env (a shell `export` line) or curl (a curl config line)' -r -f -a "token\t'The token alone, then a newline'
json\t'A JSON document with the token, its expiry and who it is for'
header\t'`Authorization: Bearer <token>`, for `curl -H @-`'
env\t'`export REGARDS_TOKEN=\'<token>\'`, for `out=\$(...) && eval \"\$out\"`'
curl\t'A curl config line, for `curl -K-`: the token stays off curl\'s command line'"
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l insecure -d 'Do not verify the server\'s TLS certificate (dangerous: the password can be intercepted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l allow-http -d 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l password-stdin -d 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l no-cache -d 'Short for --cache none'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l refresh -d 'Ignore the cached token: log in again and cache the new token'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -l no-login -d 'Use the cached token if it is usable, else exit with code 7 without asking for a password or sending anything'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regards-token -n "__fish_regards_token_using_subcommand get" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l profile -d 'Use this profile of the config file [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l host -d 'The gateway\'s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -s s -l scope -d 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -s u -l username -d 'The login, usually an e-mail address [env: REGARDS_USERNAME]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l client-id -d 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l client-secret -d 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag\'s value is visible to every user in `ps`' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l request-style -d 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]' -r -f -a "json\t'Scope in the query string, credentials in a JSON body (REGARDS 2.x)'
query\t'Everything in the query string (REGARDS 1.x; deprecated by 2.x)'"
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l retries -d 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway\'s own 503) [default: 2]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l ca-cert -d 'A PEM file of extra certificate authorities to trust, in addition to the system\'s [env: REGARDS_CA_CERT]' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l timeout -d 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l password-file -d 'Read the password from the first line of this file' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l cache -d 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]' -r -f -a "auto\t'The system keyring if one answers, else a private file (with a warning)'
keyring\t'The system keyring, or fail with exit code 6'
file\t'A private file under the user\'s cache folder'
none\t'Keep nothing: log in every time'"
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l lock-timeout -d 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l insecure -d 'Do not verify the server\'s TLS certificate (dangerous: the password can be intercepted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l allow-http -d 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l password-stdin -d 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -l no-cache -d 'Short for --cache none'
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regards-token -n "__fish_regards_token_using_subcommand login" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand status" -l format -d 'text: one line per token; json: an array of objects' -r -f -a "text\t''
json\t''"
complete -c regards-token -n "__fish_regards_token_using_subcommand status" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand status" -s h -l help -d 'Print help'
complete -c regards-token -n "__fish_regards_token_using_subcommand status" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -l profile -d 'Use this profile of the config file [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -l host -d 'Remove the tokens of this gateway [env: REGARDS_HOST, then REGARDS_BASE_URL]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -s s -l scope -d 'Remove the tokens of this project [env: REGARDS_SCOPE, then REGARDS_TENANT]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -s u -l username -d 'Remove the tokens of this login [env: REGARDS_USERNAME]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -l all -d 'Remove every cached token, whatever the variables above say'
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -l keep-password -d 'Keep the remembered passwords of these accounts (by default they are forgotten with the tokens)'
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -s h -l help -d 'Print help'
complete -c regards-token -n "__fish_regards_token_using_subcommand logout" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l profile -d 'Use this profile of the config file [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l host -d 'The gateway\'s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -s s -l scope -d 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -s u -l username -d 'The login, usually an e-mail address [env: REGARDS_USERNAME]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l client-id -d 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l client-secret -d 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag\'s value is visible to every user in `ps`' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l request-style -d 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]' -r -f -a "json\t'Scope in the query string, credentials in a JSON body (REGARDS 2.x)'
query\t'Everything in the query string (REGARDS 1.x; deprecated by 2.x)'"
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l retries -d 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway\'s own 503) [default: 2]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l ca-cert -d 'A PEM file of extra certificate authorities to trust, in addition to the system\'s [env: REGARDS_CA_CERT]' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l timeout -d 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l password-file -d 'Read the password from the first line of this file' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l cache -d 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]' -r -f -a "auto\t'The system keyring if one answers, else a private file (with a warning)'
keyring\t'The system keyring, or fail with exit code 6'
file\t'A private file under the user\'s cache folder'
none\t'Keep nothing: log in every time'"
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l min-ttl -d 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l lock-timeout -d 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l insecure -d 'Do not verify the server\'s TLS certificate (dangerous: the password can be intercepted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l allow-http -d 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l password-stdin -d 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l no-cache -d 'Short for --cache none'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l refresh -d 'Ignore the cached token: log in again and cache the new token'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -l no-login -d 'Use the cached token if it is usable, else exit with code 7 without asking for a password or sending anything'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regards-token -n "__fish_regards_token_using_subcommand exec" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -l profile -d 'Use this profile of the config file [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -l format -d 'text: one claim per line; json: a JSON document' -r -f -a "text\t''
json\t''"
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -l host -d 'The gateway\'s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -s s -l scope -d 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -s u -l username -d 'The login, usually an e-mail address [env: REGARDS_USERNAME]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -l client-id -d 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -l cache -d 'The store to read the cached token from: auto, keyring or file [env: REGARDS_TOKEN_CACHE] [default: auto]' -r -f -a "auto\t''
keyring\t''
file\t''"
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -s h -l help -d 'Print help'
complete -c regards-token -n "__fish_regards_token_using_subcommand inspect" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l profile -d 'Use this profile of the config file [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l host -d 'The gateway\'s base URL to check [env: REGARDS_HOST, then REGARDS_BASE_URL]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l ca-cert -d 'A PEM file of extra certificate authorities to trust, in addition to the system\'s [env: REGARDS_CA_CERT]' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l timeout -d 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l cache -d 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]' -r -f -a "auto\t'The system keyring if one answers, else a private file (with a warning)'
keyring\t'The system keyring, or fail with exit code 6'
file\t'A private file under the user\'s cache folder'
none\t'Keep nothing: log in every time'"
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l insecure -d 'Do not verify the server\'s TLS certificate (dangerous: the password can be intercepted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l allow-http -d 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -l no-cache -d 'Short for --cache none'
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regards-token -n "__fish_regards_token_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and not __fish_seen_subcommand_from path show help" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and not __fish_seen_subcommand_from path show help" -s h -l help -d 'Print help'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and not __fish_seen_subcommand_from path show help" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and not __fish_seen_subcommand_from path show help" -f -a "path" -d 'Print the config file\'s path'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and not __fish_seen_subcommand_from path show help" -f -a "show" -d 'Print every resolved setting and where it came from (secrets redacted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and not __fish_seen_subcommand_from path show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from path" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Use this profile of the config file [env: REGARDS_PROFILE]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l host -d 'The gateway\'s base URL, e.g. https://regards.example.org [env: REGARDS_HOST, then REGARDS_BASE_URL]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -s s -l scope -d 'The project (tenant) to log in to [env: REGARDS_SCOPE, then REGARDS_TENANT]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -s u -l username -d 'The login, usually an e-mail address [env: REGARDS_USERNAME]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l client-id -d 'OAuth2 client id [env: REGARDS_CLIENT_ID] [default: client]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l client-secret -d 'OAuth2 client secret [env: REGARDS_CLIENT_SECRET] [default: secret]. Prefer the variable: a flag\'s value is visible to every user in `ps`' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l request-style -d 'How to send the credentials: json (a JSON body, REGARDS 2.x) or query (the query string, REGARDS 1.x; the password then appears in server logs) [default: json]' -r -f -a "json\t'Scope in the query string, credentials in a JSON body (REGARDS 2.x)'
query\t'Everything in the query string (REGARDS 1.x; deprecated by 2.x)'"
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l retries -d 'Extra attempts, 0 to 10, when the server provably did not check the password (no connection could be made, or the gateway\'s own 503) [default: 2]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l ca-cert -d 'A PEM file of extra certificate authorities to trust, in addition to the system\'s [env: REGARDS_CA_CERT]' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Give up on one attempt after this long, at most 1h, e.g. 750ms, 30s, 2m [default: 30s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l password-file -d 'Read the password from the first line of this file' -r -F
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l cache -d 'Where to keep tokens: auto (the system keyring, else a private file), keyring (the keyring or fail), file, or none [env: REGARDS_TOKEN_CACHE] [default: auto]' -r -f -a "auto\t'The system keyring if one answers, else a private file (with a warning)'
keyring\t'The system keyring, or fail with exit code 6'
file\t'A private file under the user\'s cache folder'
none\t'Keep nothing: log in every time'"
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l min-ttl -d 'Do not use a cached token with less time left than this, 0s to 1year, e.g. 5m, 1h [env: REGARDS_TOKEN_MIN_TTL] [default: 5m]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l lock-timeout -d 'How long to wait for another run logging in to the same account, at most 1h, e.g. 60s, 5m [default: 60s]' -r
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l insecure -d 'Do not verify the server\'s TLS certificate (dangerous: the password can be intercepted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l allow-http -d 'Allow plain http:// to a host that is not this machine (the password then travels unencrypted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l password-stdin -d 'Read the password from the first line of stdin (otherwise from REGARDS_PASSWORD, else the one remembered by `regards-token login`, else a prompt when at a terminal)'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -l no-cache -d 'Short for --cache none'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the config file\'s path'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print every resolved setting and where it came from (secrets redacted)'
complete -c regards-token -n "__fish_regards_token_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regards-token -n "__fish_regards_token_using_subcommand completions" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand completions" -s h -l help -d 'Print help'
complete -c regards-token -n "__fish_regards_token_using_subcommand completions" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand man" -s v -l verbose -d 'Say on stderr what the command does: cache decisions, requests and timing (-v), and headers (-vv). Secrets are never shown'
complete -c regards-token -n "__fish_regards_token_using_subcommand man" -s h -l help -d 'Print help'
complete -c regards-token -n "__fish_regards_token_using_subcommand man" -s V -l version -d 'Print version'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "get" -d 'Print an access token: the cached one while it lasts, else a new one'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "login" -d 'Log in once and remember the password in the system keyring, so that later runs renew tokens without asking'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "status" -d 'List the cached tokens with their expiry, and the remembered passwords'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "logout" -d 'Remove cached tokens, and forget remembered passwords (unless --keep-password)'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "exec" -d 'Run a command with a token in its environment (REGARDS_TOKEN)'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "inspect" -d 'Decode a token offline and show its claims (never its signature)'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "doctor" -d 'Check the set-up: config, cache store, server, TLS, clock'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "config" -d 'Show where the config file is and what the settings resolve to'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "man" -d 'Print a manual page (roff): the tool\'s, or one command\'s'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and not __fish_seen_subcommand_from get login status logout exec inspect doctor config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the config file\'s path'
complete -c regards-token -n "__fish_regards_token_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print every resolved setting and where it came from (secrets redacted)'
