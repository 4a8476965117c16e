# completions/oomsim.bash: bash completion for oomsim(1), installed as
# $(PREFIX)/share/bash-completion/completions/oomsim (bash-completion loads it on first use of `oomsim`).
# It completes the commands, each command's options (read from `oomsim COMMAND --help`, so they cannot drift from
# the binary), the values of --kernel (from `oomsim kernels`), --format and --kernel-image, and scenario files
# (*.xml) and directories. It needs nothing from the bash-completion package.

_oomsim()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]} cmd= i
    COMPREPLY=()
    # "--kernel=6.1": bash splits at '=' (COMP_WORDBREAKS): "--kernel" "=" "6.1"
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "run check expand kernels validate sweep sweep-merge bisect explain actors help --help --version" -- "$cur"))
        return 0
    fi
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == i + 1)) && COMPREPLY=($(compgen -W "run check expand kernels validate sweep sweep-merge bisect explain actors" -- "$cur"))
        return 0
    fi

    case $prev in
        -k|--kernel)
            [[ $cmd == validate ]] && COMPREPLY=($(compgen -W "6.1 6.12" -- "$cur")) ||
                COMPREPLY=($(compgen -W "$("$prog" kernels 2>/dev/null | cut -d' ' -f1)" -- "$cur"))
            return 0 ;;
        --kernel-image)
            COMPREPLY=($(compgen -W "6.1 6.12" -- "$cur") $(compgen -f -- "$cur"))
            return 0 ;;
        -f|--format)
            case $cmd in
                run) COMPREPLY=($(compgen -W "text dmesg json html" -- "$cur")) ;;
                check) COMPREPLY=($(compgen -W "text tap junit" -- "$cur")) ;;
                validate|explain|actors) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
                sweep|sweep-merge) COMPREPLY=($(compgen -W "text csv json" -- "$cur")) ;;
            esac
            return 0 ;;
        -o|--output|--agent|--jitter)
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0 ;;
        --work-dir|--vm-cache)
            COMPREPLY=($(compgen -d -- "$cur"))
            return 0 ;;
        -u|--until)
            COMPREPLY=($(compgen -W "no-oom survives: killed: no-panic no-enomem" -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *: ]] && compopt -o nospace 2>/dev/null
            return 0 ;;
        -s|--set|-V|--vary)
            # the parameter kinds of docs/what-if.md; the value is the user's
            COMPREPLY=($(compgen -W "machine.ram= machine.swap= sysctl.vm. cgroup[ process[ step[" -- "$cur"))
            compopt -o nospace 2>/dev/null
            return 0 ;;
        -j|--jobs|--time-limit|--race-runs|--perturb|--trace|--shard|--probes|-r|--report)
            return 0 ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" "$cmd" --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
        return 0
    fi
    # kernels takes no arguments; the others take scenario files and directories (sweep-merge: its shard outputs)
    [[ $cmd == kernels ]] && return 0
    compopt -o filenames 2>/dev/null
    if [[ $cmd == sweep-merge || $cmd == explain ]]; then # shard outputs; kernel logs
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0
    fi
    COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.xml' -- "$cur"))
    [[ $cmd == run ]] && COMPREPLY+=($(compgen -W "-" -- "$cur"))
    return 0
}
complete -F _oomsim oomsim
