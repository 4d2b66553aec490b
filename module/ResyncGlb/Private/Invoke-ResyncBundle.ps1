function Invoke-ResyncBundle {
    <#
    .SYNOPSIS
    Runs one command in the engine ('rpc': the self-contained resync-glb.exe, or node running
    bin/resync-glb.cjs, as Resolve-ResyncEngine chooses) and relays its events into the calling
    cmdlet's streams (docs/PROTOCOL.md).
    .DESCRIPTION
    The request, with any credential, goes to the engine's stdin as one JSON line; it is never put
    on the command line or in the environment. Events come back one JSON object per line and are
    relayed by Write-ResyncBundleEvent (progress, verbose, warning, whatif, result, error). If the
    pipeline is stopped (Ctrl+C, a closed pipeline) the engine is told to cancel, and this waits
    while it rolls back (Send-ResyncBundleCancel). If the engine dies without finishing, its cleanup
    is finished by the 'recover' command and the error says so (Resolve-ResyncBundleCrash). With
    -Verbose the cmdlet says once which engine it used, and why.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Command,
        [Parameter(Mandatory = $true)] [hashtable] $Parameters,
        [System.Management.Automation.PSCredential] $Credential,
        # How long to wait for a cancelled run to roll back before giving up on it.
        [int] $CancelWaitSec = 300,
        [switch] $NoRecover,
        # Return the result objects to the caller instead of writing them to the cmdlet's output.
        [switch] $Collect
    )

    $request = @{ protocol = $script:ProtocolVersion; command = $Command; params = $Parameters }
    if ($null -ne $Credential -and $Credential -ne [System.Management.Automation.PSCredential]::Empty) {
        $request.secret = @{ userName = $Credential.UserName; password = $Credential.GetNetworkCredential().Password }
    }
    $json = ConvertTo-Json -InputObject $request -Depth 8 -Compress
    $request = $null

    $engine = Get-ResyncCommandEngine -Cmdlet $Cmdlet

    $commandLine = [System.Collections.Generic.List[string]]::new()
    foreach ($leading in $engine.Arguments) {
        if ($leading.Contains('"')) {
            throw [System.InvalidOperationException]::new("The module path '$leading' contains a double quote; move the module to a folder without one.")
        }
        if (-not [System.IO.File]::Exists($leading)) {
            throw [System.IO.FileNotFoundException]::new("The engine '$leading' is missing; reinstall the module (or run 'npm run build' in a source checkout).")
        }
        $commandLine.Add('"' + $leading + '"')
    }
    $commandLine.Add('rpc')
    $proc = Open-ResyncEngineProcess -Cmdlet $Cmdlet -Engine $engine -Arguments ($commandLine -join ' ')
    $utf8 = [System.Text.UTF8Encoding]::new($false)
    try {
        $stderrTask = $proc.StandardError.ReadToEndAsync()
        $state = @{
            Process      = $proc
            Collect      = [bool]$Collect
            Collected    = [System.Collections.Generic.List[object]]::new()
            OpenProgress = @{}
            Terminating  = $null
            Ended        = $false
            ExitCode     = -1
        }
        $garbage = [System.Collections.Generic.List[string]]::new()
        $readTask = $null
        try {
            $bytes = $utf8.GetBytes($json + "`n")
            $json = $null
            $proc.StandardInput.BaseStream.Write($bytes, 0, $bytes.Length)
            $proc.StandardInput.BaseStream.Flush()
            [System.Array]::Clear($bytes, 0, $bytes.Length)

            while (-not $state.Ended) {
                $readTask = $proc.StandardOutput.ReadLineAsync()
                # Short waits return control to the engine, so Ctrl+C can stop the pipeline at once.
                while (-not $readTask.Wait(100)) { }
                $line = $readTask.Result
                $readTask = $null
                if ($null -eq $line) { break }
                if ($line.Trim().Length -eq 0) { continue }
                try {
                    $evt = ConvertFrom-Json -InputObject $line
                }
                catch {
                    $evt = $null
                }
                if ($null -eq (Get-ResyncProperty $evt 'event')) {
                    if ($garbage.Count -lt 5) { $garbage.Add($line) }
                    continue
                }
                Write-ResyncBundleEvent -Cmdlet $Cmdlet -EventObject $evt -State $state
            }
        }
        finally {
            if (-not $state.Ended -and -not $proc.HasExited) {
                # Stopped pipeline or an exception here: ask the engine to cancel and roll back, and wait for it.
                $state.Ended = Send-ResyncBundleCancel -Process $proc -ReadTask $readTask -WaitSec $CancelWaitSec
            }
            try { $proc.StandardInput.Close() } catch { }
            foreach ($id in @($state.OpenProgress.Keys)) {
                try {
                    $done = [System.Management.Automation.ProgressRecord]::new([int]$id, [string]$state.OpenProgress[$id], 'Done')
                    $done.RecordType = [System.Management.Automation.ProgressRecordType]::Completed
                    $Cmdlet.WriteProgress($done)
                }
                catch { }
            }
        }

        if (-not $state.Ended) {
            $record = Resolve-ResyncBundleCrash -Cmdlet $Cmdlet -Command $Command -Parameters $Parameters -Credential $Credential -Process $proc -StderrTask $stderrTask -Garbage $garbage.ToArray() -NoRecover:$NoRecover
            $Cmdlet.ThrowTerminatingError($record)
        }
        if ($null -ne $state.Terminating) {
            $Cmdlet.ThrowTerminatingError($state.Terminating)
        }
        if ($Collect) { $state.Collected.ToArray() }
    }
    finally {
        $proc.Dispose()
    }
}
