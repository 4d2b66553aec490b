function Invoke-ResyncLabService {
    <#
    .SYNOPSIS
    Starts or stops a lab's MSExchangeDX service (its DXA) for Start-ResyncLab and Stop-ResyncLab.
    .DESCRIPTION
    Runs 'resync-glb lab start|stop' (Invoke-ResyncLabCommand), says the outcome in -Verbose and, with
    -PassThru, writes the lab's ResyncGlb.LabStatus. A failure is a non-terminating error of the calling
    cmdlet. The caller has already asked ShouldProcess.
    #>
    [CmdletBinding()]
    [OutputType('ResyncGlb.LabStatus')]
    param(
        [Parameter(Mandatory = $true)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [Parameter(Mandatory = $true)] [string] $Path,
        [Parameter(Mandatory = $true)] [ValidateSet('start', 'stop')] [string] $Command,
        [Parameter(Mandatory = $true)] [int] $TimeoutSec,
        [switch] $PassThru
    )
    $done = Invoke-ResyncLabCommand -Cmdlet $Cmdlet -Command $Command -Path $Path -TimeoutSec $TimeoutSec
    if ($done.Error) { $Cmdlet.WriteError($done.Error); return }
    $pidText = if ($Command -eq 'start') { " (pid $(Get-ResyncProperty $done.Data 'Pid'))" } else { '' }
    $Cmdlet.WriteVerbose("The lab MSExchangeDX service in '$Path' is $(Get-ResyncProperty $done.Data 'Status')$pidText.")
    if (-not $PassThru) { return }
    $state = Get-ResyncLabStatus -Cmdlet $Cmdlet -Path $Path -Service $done.Data
    if ($state.Error) { $Cmdlet.WriteError($state.Error); return }
    $state.Output
}
