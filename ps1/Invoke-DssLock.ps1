<#
.SYNOPSIS
    The run lock kept on the DSS itself: create it exclusively, read it, replace it, remove it.

.DESCRIPTION
    Called by ResyncGlb's Windows operations with one argument, base64 of a UTF-8 JSON request.
    The lock is the file run.lock in the folder ResyncGlb under the DSS's system root
    (%SystemRoot%\ResyncGlb), so every workstation, every admin and every spelling of the DSS's name
    meets the same lock. Local and Remoting run the core on the DSS; Rpc reaches the folder over
    the DSS's ADMIN$ share (\\<computer>\ADMIN$\ResyncGlb). Where %SystemRoot% is not defined (a
    non-Windows host running the Local transport, tests only) the folder is under the temp folder.

    Every write goes to a temporary file first. Create then renames it to run.lock with
    File.Move, which fails when run.lock exists, so the lock is created exclusively and never
    partial; Replace swaps it in with File.Replace. PowerShell 2.0 and .NET 2.0 only.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "...", "computerName": "...", "action": "Create|Read|Replace|Remove", "text": "...",
      "claim": false }   (claim: true works on run.lock.recovering, the claim held while a stale lock is taken over)

.OUTPUTS
    One line of JSON; data is { location, dssName } plus { created } (Create) or
    { exists, text, ageMs } (Read).

.EXAMPLE
    & .\Invoke-DssLock.ps1 -RequestBase64 $b64
    Prints one envelope line, {"ok":true,"data":{...}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
# Rpc: the lock folder through the DSS's ADMIN$ share (%SystemRoot% there). A function of its own so a
# test stand-in for the share can take its place (an alias of the same name comes first).
function Get-DssLockShareFolder([string]$ComputerName) {
    return ('\\' + $ComputerName + '\ADMIN$\ResyncGlb')
}
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Operation {
    param($request)
    $action = [string](Get-DssRequestField -Request $request -Name 'action')
    if ($action -ne 'Create' -and $action -ne 'Read' -and $action -ne 'Replace' -and $action -ne 'Remove') {
        throw (New-DssException -Id 'ProtocolError' -Message ('Unknown lock action ' + $action + '.'))
    }
    $text = ''
    if ($action -eq 'Create' -or $action -eq 'Replace') { $text = [string](Get-DssRequestField -Request $request -Name 'text') }
    # The recovering claim (held while one run takes over a stale lock) is a second file beside it.
    $name = 'run.lock'
    if ($request.ContainsKey('claim') -and $request['claim'] -eq $true) { $name = 'run.lock.recovering' }
    $folder = ''
    if ([string]$request['transport'] -eq 'Rpc') {
        $folder = Get-DssLockShareFolder -ComputerName ([string](Get-DssRequestField -Request $request -Name 'computerName'))
    }
    $core = {
        param([string]$Action, [string]$Folder, [string]$Text, [string]$Name)
        $ErrorActionPreference = 'Stop'
        if (-not $Folder) {
            $root = [Environment]::GetEnvironmentVariable('SystemRoot')
            if (-not $root) { $root = [System.IO.Path]::GetTempPath() }
            $Folder = [System.IO.Path]::Combine($root, 'ResyncGlb')
        }
        $path = [System.IO.Path]::Combine($Folder, $Name)
        $utf8 = New-Object System.Text.UTF8Encoding($false)
        $result = @{ location = $path; dssName = [Environment]::MachineName }
        $writeTemp = {
            if (-not [System.IO.Directory]::Exists($Folder)) { $null = [System.IO.Directory]::CreateDirectory($Folder) }
            $tmp = $path + '.' + [Guid]::NewGuid().ToString('N') + '.tmp'
            $bytes = $utf8.GetBytes($Text)
            $fs = New-Object System.IO.FileStream($tmp, [System.IO.FileMode]::CreateNew, [System.IO.FileAccess]::Write, [System.IO.FileShare]::None)
            try {
                $fs.Write($bytes, 0, $bytes.Length)
                $fs.Flush()
            } finally {
                $fs.Close()
            }
            return $tmp
        }
        if ($Action -eq 'Create') {
            $tmp = & $writeTemp
            try {
                try {
                    [System.IO.File]::Move($tmp, $path)
                    $result['created'] = $true
                } catch {
                    if (-not [System.IO.File]::Exists($path)) { throw }
                    $result['created'] = $false
                }
            } finally {
                if ([System.IO.File]::Exists($tmp)) { [System.IO.File]::Delete($tmp) }
            }
            return @{ ok = $true; data = $result }
        }
        if ($Action -eq 'Read') {
            $fi = New-Object System.IO.FileInfo($path)
            if (-not $fi.Exists) {
                $result['exists'] = $false
                return @{ ok = $true; data = $result }
            }
            $result['exists'] = $true
            $result['text'] = [System.IO.File]::ReadAllText($path, $utf8)
            $result['ageMs'] = [long](([DateTime]::UtcNow - $fi.LastWriteTimeUtc).TotalMilliseconds)
            return @{ ok = $true; data = $result }
        }
        if ($Action -eq 'Replace') {
            $tmp = & $writeTemp
            $bak = $path + '.' + [Guid]::NewGuid().ToString('N') + '.bak'
            try {
                [System.IO.File]::Replace($tmp, $path, $bak)
            } finally {
                if ([System.IO.File]::Exists($tmp)) { [System.IO.File]::Delete($tmp) }
                if ([System.IO.File]::Exists($bak)) { [System.IO.File]::Delete($bak) }
            }
            return @{ ok = $true; data = $result }
        }
        if ([System.IO.File]::Exists($path)) { [System.IO.File]::Delete($path) }
        return @{ ok = $true; data = $result }
    }
    return (Invoke-DssCore -Request $request -Core $core -ArgumentList @($action, $folder, $text, $name))
}
