<#
.SYNOPSIS
    Opens the connection to a DSS that the other ResyncGlb scripts in this process use, once per
    run: a PSSession (Remoting), an authenticated SMB connection to the administrative share (Rpc
    with a credential), or nothing (Local).

.DESCRIPTION
    Called by ResyncGlb's Windows operations first in each PowerShell child process. The state is
    kept in $global:ResyncGlbDss (the child serves one run and is disposed with it).

    Credentials: the request carries only the user name. When "secret" is "pipe", the password
    is read by Read-DssSecretPipe from the one-shot pipe named in "secretPipe" that the engine
    serves for this call (after sending the pipe's token): "#" + base64 of its UTF-8 bytes. So it
    is never part of any command text, argument, environment variable, file or log, and it does
    not depend on how the host reads standard input. It becomes a PSCredential at once; the plain
    text is cleared. A pipe that cannot be read is CredentialUnavailable, at once. The
    credential is handed to New-PSSession (Remoting) or New-PSDrive for \\computer\ADMIN$ (Rpc:
    Windows reuses that authenticated connection for the remote registry and service control
    pipes of the same computer), then dropped; neither keeps it beyond the session.

    Errors: HostUnreachable (no answer, WinRM not listening, name not found), AccessDenied
    (credentials refused, not an administrator), CredentialUnavailable (the credential pipe could
    not be read), else OperationFailed.

.PARAMETER RequestBase64
    Base64 of UTF-8 JSON:
    { "transport": "Local|Remoting|Rpc", "computerName": "DSS01", "userName": null | "DOMAIN\\user",
      "secret": null | "pipe", "secretPipe": { "name": "...", "token": "...", "timeoutMs": 15000 },
      "connectTimeoutMs": 30000,
      "probe": { "hive": "HKEY_LOCAL_MACHINE", "subKey": "SYSTEM\\...\\MSExchangeDX" } }

.OUTPUTS
    One line of JSON; data is { transport, computerName, psVersion }.

.EXAMPLE
    & .\Initialize-DssSession.ps1 -RequestBase64 $b64
    Prints {"ok":true,"data":{"transport":"Remoting","computerName":"DSS01","psVersion":"2.0"}}.
#>
param([Parameter(Mandatory=$true)][string]$RequestBase64)
try { . (Join-Path (Split-Path -Parent $MyInvocation.MyCommand.Path) '_Common.ps1') } catch { Write-Output '{"ok":false,"error":{"id":"Internal","category":"NotSpecified","message":"ps1/_Common.ps1 could not be loaded.","target":null}}'; return }
Invoke-DssOperation -RequestBase64 $RequestBase64 -Phase Connect -Operation {
    param($request)
    $transport = Get-DssRequestField -Request $request -Name 'transport'
    $computer = [string]$request['computerName']

    $credential = $null
    if ([string]$request['secret'] -eq 'pipe') {
        $timeoutMs = 15000
        if ($null -ne $request['secretPipe'] -and $null -ne $request['secretPipe']['timeoutMs']) { $timeoutMs = [int]$request['secretPipe']['timeoutMs'] }
        $line = Read-DssSecretPipe -PipeName (Get-DssRequestField -Request $request -Name 'secretPipe.name') -Token (Get-DssRequestField -Request $request -Name 'secretPipe.token') -TimeoutMs $timeoutMs
        $credential = ConvertTo-DssCredential -UserName (Get-DssRequestField -Request $request -Name 'userName') -SecretLine $line
        $line = $null
    }

    # A previous state in this process (a rebuilt run) is closed first.
    $null = Close-DssSessionState

    if ($transport -eq 'Local') {
        $global:ResyncGlbDss = @{ Transport = 'Local'; ComputerName = [Environment]::MachineName }
        return @{ ok = $true; data = @{ transport = 'Local'; computerName = [Environment]::MachineName; psVersion = [string]$PSVersionTable.PSVersion } }
    }

    if (-not $computer) { throw (New-DssException -Id 'Usage' -Message ('The ' + $transport + ' transport needs a computer name.')) }
    $timeout = 30000
    if ($null -ne $request['connectTimeoutMs']) { $timeout = [int]$request['connectTimeoutMs'] }

    if ($transport -eq 'Remoting') {
        # IdleTimeout: a shell orphaned by a killed child is closed by the DSS after 5 minutes instead
        # of counting against WinRM 2.0's 5 shells per user until it expires much later.
        $option = New-PSSessionOption -OpenTimeout $timeout -OperationTimeout 1800000 -CancelTimeout 10000 -IdleTimeout 300000
        $params = @{ ComputerName = $computer; SessionOption = $option; ErrorAction = 'Stop' }
        if ($null -ne $credential) { $params['Credential'] = $credential }
        try {
            $session = New-PSSession @params
        } catch {
            return (Resolve-DssFailure -ErrorRecord $_ -Phase Connect -Target $computer)
        }
        $credential = $null
        $params = $null
        try {
            $info = Invoke-Command -Session $session -ErrorAction Stop -ScriptBlock {
                return @{ psVersion = [string]$PSVersionTable.PSVersion; computerName = [string][Environment]::MachineName }
            }
        } catch {
            try { Remove-PSSession -Session $session -ErrorAction SilentlyContinue } catch { }
            return (Resolve-DssFailure -ErrorRecord $_ -Phase Connect -Target $computer)
        }
        $global:ResyncGlbDss = @{ Transport = 'Remoting'; ComputerName = $computer; Session = $session }
        return @{ ok = $true; data = @{ transport = 'Remoting'; computerName = $computer; remoteName = [string]$info['computerName']; psVersion = [string]$info['psVersion'] } }
    }

    if ($transport -eq 'Rpc') {
        $drive = $null
        try {
            if ($null -ne $credential) {
                $drive = 'ResyncGlbDss'
                $null = New-PSDrive -Name $drive -PSProvider FileSystem -Root ('\\' + $computer + '\ADMIN$') -Credential $credential -Scope Global -ErrorAction Stop
                $credential = $null
            }
            $base = Open-DssRemoteBaseKey -Hive (Get-DssRequestField -Request $request -Name 'probe.hive') -ComputerName $computer
            $base.Close()
        } catch {
            if ($drive) { try { Remove-PSDrive -Name $drive -Scope Global -Force -ErrorAction SilentlyContinue } catch { } }
            $failure = Resolve-DssFailure -ErrorRecord $_ -Phase Connect -Target $computer
            # ADMIN$ and the remote registry's pipe both ride on SMB: name the cause (an SMB1-only
            # NT 4.0/2000/2003 DSS, blocked TCP 445/139, a disabled admin share) instead of a bare
            # HostUnreachable. The engine tells "host down" from "SMB refused" by a TCP probe.
            $codes = Get-DssErrorCodes -Exception $_.Exception
            $smb = $false
            foreach ($c in $codes) { if (@(51, 53, 59, 64, 67, 1231, 1232, 2250) -contains $c) { $smb = $true } }
            if ($smb -and $failure['error']['id'] -ne 'AccessDenied') {
                $failure = Resolve-DssShareFailure -ErrorRecord $_ -Share ('\\' + $computer + '\ADMIN$') -ComputerName $computer
            }
            return $failure
        }
        $global:ResyncGlbDss = @{ Transport = 'Rpc'; ComputerName = $computer; Drive = $drive }
        return @{ ok = $true; data = @{ transport = 'Rpc'; computerName = $computer; psVersion = $null } }
    }
    throw (New-DssException -Id 'Usage' -Message ('Unknown transport ' + $transport + '; use Local, Remoting or Rpc.'))
}
