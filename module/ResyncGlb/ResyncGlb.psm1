# ResyncGlb root module: loads the private helpers and the public cmdlets (one per file).
# The engine (the self-contained bin/win-x64/resync-glb.exe, or Node.js running bin/resync-glb.cjs) is
# chosen by the first command that runs it (Resolve-ResyncEngine), so the import works, and Get-Help
# with it, on a machine that has neither yet.
Set-StrictMode -Version 3.0

$script:ModuleRoot = $PSScriptRoot
$script:BundlePath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'resync-glb.cjs')
$script:ExePath = [System.IO.Path]::Combine($PSScriptRoot, 'bin', 'win-x64', 'resync-glb.exe')
$script:MinimumNodeMajor = 20
# The protocol version this module speaks (docs/PROTOCOL.md): sent in every request, required in the engine's hello.
$script:ProtocolVersion = 1
# Node versions already asked (path -> '20.20.2'), so a node is probed once per import.
$script:NodeVersions = @{}
# The cmdlet that last said which engine it used (-Verbose), so each command says it once.
$script:EngineAnnouncedTo = $null

foreach ($folder in @('Private', 'Public')) {
    $dir = [System.IO.Path]::Combine($PSScriptRoot, $folder)
    foreach ($file in [System.IO.Directory]::GetFiles($dir, '*.ps1')) {
        . $file
    }
}

Register-ArgumentCompleter -CommandName 'New-ResyncGlb' -ParameterName 'Requestor' -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    Get-ResyncRequestorCompletion -WordToComplete $wordToComplete -FakeBoundParameters $fakeBoundParameters
}

Export-ModuleMember -Function @('Copy-ResyncToRequestor', 'Get-ResyncGlb', 'Get-ResyncLab', 'Get-ResyncRequestor', 'New-ResyncGlb', 'New-ResyncLab', 'Remove-ResyncLab', 'Start-ResyncLab', 'Stop-ResyncLab', 'Test-ResyncGlb')
