# csa-companion @VERSION@ offline installer for @PLATFORM@.
#
#   install.cmd                  (double-click) install, or update an earlier install in place
#   install.cmd --uninstall      remove the program; your data folder is never touched
#   powershell -ExecutionPolicy Bypass -File install.ps1 [--uninstall]   the same
#
# Needs no network: it makes a private Python environment in %LOCALAPPDATA%\csa-companion-program,
# installs the wheels in this folder into it, and puts a csa-companion.cmd launcher on your
# PATH. Set CSA_COMPANION_PYTHON to the python.exe to use (3.11, 3.12 or 3.13).
# This file is ASCII on purpose: Windows PowerShell 5.1 reads a script without a BOM as ANSI.

$ErrorActionPreference = 'Stop'
$Version = '@VERSION@'
$Here = $PSScriptRoot
$Wheels = Join-Path $Here 'wheels'
$Marker = 'written by the csa-companion installer'
$Program = Join-Path $env:LOCALAPPDATA 'csa-companion-program'
$Venv = Join-Path $Program 'venv'
$VenvPython = Join-Path $Venv 'Scripts\python.exe'
$BinDir = Join-Path $Program 'bin'
$Launcher = Join-Path $BinDir 'csa-companion.cmd'
$Uninstall = ($args -contains '--uninstall') -or ($args -contains '-uninstall') -or ($args -contains '/uninstall')

function Fail([string]$Message) {
    [Console]::Error.WriteLine("install.ps1: $Message")
    exit 1
}

function Test-Usable([string[]]$Command) {
    # True if the command runs Python 3.11, 3.12 or 3.13 (the Microsoft Store's python.exe
    # placeholder prints nothing useful and fails).
    $exe, $rest = $Command
    try {
        $out = & $exe @rest -c 'import sys; print(int((3, 11) <= sys.version_info[:2] <= (3, 13)))' 2>$null
    } catch {
        return $false
    }
    return ($LASTEXITCODE -eq 0) -and ("$out".Trim() -eq '1')
}

function Get-UserPath {
    $key = Get-Item -Path 'HKCU:\Environment'
    return [string]$key.GetValue('Path', '', 'DoNotExpandEnvironmentNames')
}

function Set-UserPath([string]$Value) {
    # Written as REG_EXPAND_SZ so that entries such as %USERPROFILE%\bin keep working
    # ([Environment]::SetEnvironmentVariable would write them expanded, as REG_SZ).
    New-ItemProperty -Path 'HKCU:\Environment' -Name 'Path' -Value $Value -PropertyType ExpandString -Force | Out-Null
    # Tell running programs (Explorer, new terminals) that the environment changed.
    [Environment]::SetEnvironmentVariable('CSA_COMPANION_INSTALLER', '1', 'User')
    [Environment]::SetEnvironmentVariable('CSA_COMPANION_INSTALLER', $null, 'User')
}

function Test-Ours([string]$Path) {
    return (Test-Path -LiteralPath $Path -PathType Leaf) -and
        ((Get-Content -LiteralPath $Path -Raw) -like "*$Marker*")
}

if ($Uninstall) {
    $Where = $null
    $Exe = Join-Path $Venv 'Scripts\csa-companion.exe'
    if (Test-Path -LiteralPath $Exe) {
        try {
            $line = & $Exe where 2>$null | Select-String -Pattern '^data dir:\s*(.*)$' | Select-Object -First 1
            if ($line) { $Where = $line.Matches[0].Groups[1].Value }
        } catch { }
    }
    if (Test-Path -LiteralPath $Program) {
        if (-not (Test-Path -LiteralPath (Join-Path $Program 'installed.txt'))) {
            Fail "$Program was not made by this installer; remove it yourself"
        }
        Remove-Item -LiteralPath $Program -Recurse -Force
        Write-Output "removed $Program"
    }
    $entries = @((Get-UserPath) -split ';' | Where-Object { $_ -ne '' })
    $kept = @($entries | Where-Object { $_ -ine $BinDir })
    if ($kept.Count -ne $entries.Count) {
        Set-UserPath ($kept -join ';')
        Write-Output "removed $BinDir from your PATH"
    }
    Write-Output 'csa-companion is uninstalled.'
    if ($Where) {
        Write-Output "Your data is still in $Where (delete that folder yourself if you want it gone)."
    } else {
        Write-Output 'Your data folder was not touched.'
    }
    exit 0
}
foreach ($a in $args) {
    if ($a -notmatch '^(--|-|/)uninstall$') { Fail "unknown option $a (use --uninstall to remove the program)" }
}

$AppWheel = Get-ChildItem -LiteralPath $Wheels -Filter "csa_companion-$Version-*.whl" -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $AppWheel) { Fail "no csa_companion wheel in $Wheels`: unpack the whole zip and run the installer from it" }
$PipWheel = Get-ChildItem -LiteralPath $Wheels -Filter 'pip-*.whl' -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $PipWheel) { Fail "no pip wheel in $Wheels`: unpack the whole zip and run the installer from it" }

# The Python: the one asked for, else the newest 3.13, 3.12 or 3.11 the py launcher knows,
# else python.exe on the PATH.
$Python = $null
if ($env:CSA_COMPANION_PYTHON) {
    if (-not (Test-Usable @($env:CSA_COMPANION_PYTHON))) {
        Fail "CSA_COMPANION_PYTHON=$env:CSA_COMPANION_PYTHON is not Python 3.11, 3.12 or 3.13"
    }
    $Python = @($env:CSA_COMPANION_PYTHON)
} else {
    $candidates = @(@('py', '-3.13'), @('py', '-3.12'), @('py', '-3.11'), @('python'), @('python3'))
    foreach ($c in $candidates) {
        if ((Get-Command $c[0] -ErrorAction SilentlyContinue) -and (Test-Usable $c)) { $Python = $c; break }
    }
}
if (-not $Python) {
    Fail 'csa-companion needs Python 3.11, 3.12 or 3.13: install one from python.org (tick "Add python.exe to PATH"), then run the installer again'
}

New-Item -ItemType Directory -Force -Path $Program | Out-Null
if ((Test-Path -LiteralPath $Venv) -and -not (Test-Usable @($VenvPython))) {
    # Its Python was removed or upgraded past what it was made with: make it again.
    if (-not (Test-Path -LiteralPath (Join-Path $Program 'installed.txt'))) {
        Fail "$Program was not made by this installer; remove it yourself"
    }
    Remove-Item -LiteralPath $Venv -Recurse -Force
}
if (Test-Path -LiteralPath $Venv) {
    $Action = 'updated'
} else {
    $Action = 'installed'
    # --without-pip: pip runs from the bundle's own wheel.
    $exe, $rest = $Python
    & $exe @rest -m venv --without-pip $Venv
    if ($LASTEXITCODE -ne 0) { Fail "$($Python -join ' ') could not make a virtual environment in $Venv" }
}

$Started = Get-Date
& $VenvPython (Join-Path $PipWheel.FullName 'pip') --isolated --disable-pip-version-check install `
    --quiet --no-index --find-links $Wheels --no-warn-script-location `
    --upgrade --upgrade-strategy eager "csa-companion==$Version"
if ($LASTEXITCODE -ne 0) { Fail "pip could not install from $Wheels (its message is above)" }
$Took = [int]((Get-Date) - $Started).TotalSeconds

$PyVersion = & $VenvPython -c 'import sys; print(sys.version.split()[0])'
Set-Content -LiteralPath (Join-Path $Program 'installed.txt') -Encoding ASCII -Value @(
    "csa-companion $Version, $Marker",
    "python: $PyVersion",
    "from: $Here"
)

# The launcher names the program relative to itself (%~dp0), so that a user name with
# letters outside the console's code page never appears inside the .cmd file.
New-Item -ItemType Directory -Force -Path $BinDir | Out-Null
Set-Content -LiteralPath $Launcher -Encoding ASCII -Value @(
    '@echo off',
    "rem csa-companion launcher, $Marker (install.cmd --uninstall removes it)",
    '"%~dp0..\venv\Scripts\csa-companion.exe" %*'
)

$entries = @((Get-UserPath) -split ';' | Where-Object { $_ -ne '' })
if (-not ($entries | Where-Object { $_ -ieq $BinDir })) {
    Set-UserPath (($entries + $BinDir) -join ';')
    Write-Output "Added $BinDir to your PATH."
}

Write-Output "csa-companion $Version is $Action (in ${Took}s), with Python $PyVersion."
Write-Output 'Open a new terminal window (Windows Terminal is best), then start it with: csa-companion'
Write-Output 'Your journal and everything you write stay in your data folder (csa-companion where shows it);'
Write-Output 'updating or uninstalling (install.cmd --uninstall) never touches it.'
