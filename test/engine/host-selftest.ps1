<#
host-selftest.ps1 - checks PsEngineHost itself: the stand-in cmdlets behave as the real ones do for what the
module uses, and the host UI captures WhatIf text and answers prompts from its queue. If these drift, the
module-behaviour results would mean less. Run by `node test/engine/run.mjs` (key: host).
#>
Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'

. ([System.IO.Path]::Combine($PSScriptRoot, 'lib', 'harness.ps1'))

function Invoke-Probe {
    <# An advanced function that uses the stand-ins as module code does. #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    param([string] $Name)
    Write-Verbose "probing $Name"
    Write-Warning "careful with $Name"
    Write-Progress -Activity 'Probe' -Status 'working' -PercentComplete 50
    if ($PSCmdlet.ShouldProcess($Name, 'Probe')) { "did $Name" }
    Write-Progress -Activity 'Probe' -Completed
}

Test-Case 'engine: System.Management.Automation 7.6.9, Core edition' {
    Assert-Equal '7.6.9' $PSVersionTable.PSVersion.ToString() 'PSVersion'
    Assert-Equal 'Core' $PSVersionTable.PSEdition 'PSEdition'
}

Test-Case 'stand-in ConvertFrom-Json: PSCustomObject, object[], Int64, Double, DateTime (as PowerShell 7), null' {
    $o = ConvertFrom-Json -InputObject '{"n":1,"big":12345678901,"r":2.5,"s":"x","a":[1,"two",{"k":true}],"d":"2020-01-02T03:04:05Z","z":null}'
    Assert-True ($o -is [System.Management.Automation.PSCustomObject]) "object is $($o.GetType().FullName)"
    Assert-Equal ([long]1) $o.n 'n'
    Assert-True ($o.n -is [long]) "n is $($o.n.GetType().Name)"
    Assert-True ($o.big -is [long]) "big is $($o.big.GetType().Name)"
    Assert-True ($o.r -is [double]) "r is $($o.r.GetType().Name)"
    Assert-True ($o.a -is [object[]]) "a is $($o.a.GetType().Name)"
    Assert-Equal 3 $o.a.Count 'a.Count'
    Assert-Equal $true $o.a[2].k 'a[2].k'
    Assert-True ($o.d -is [datetime]) "d is $($o.d.GetType().Name)"
    Assert-Equal ([System.DateTimeKind]::Utc) $o.d.Kind 'd.Kind'
    Assert-Equal $null $o.z 'z'
}

Test-Case 'stand-in ConvertFrom-Json: a top-level array is enumerated; lines piped in are one document' {
    $items = @(ConvertFrom-Json -InputObject '[1,2,3]')
    Assert-Equal 3 $items.Count 'enumerated items'
    $doc = @('{', '"a": 1', '}') | ConvertFrom-Json
    Assert-Equal ([long]1) $doc.a 'a from piped lines'
}

Test-Case 'stand-in ConvertFrom-Json: invalid JSON and duplicate keys are errors' {
    $failed = $false
    try { $null = ConvertFrom-Json -InputObject '{"a":' } catch { $failed = $true }
    Assert-True $failed 'invalid JSON did not fail'
    $failed = $false
    try { $null = ConvertFrom-Json -InputObject '{"a":1,"A":2}' } catch { $failed = $true }
    Assert-True $failed 'keys differing only in case did not fail'
}

Test-Case 'stand-in ConvertTo-Json: -Compress, property order, nested values, several inputs become an array' {
    $json = ConvertTo-Json -InputObject ([pscustomobject]@{ b = 1; a = 'x'; c = @(1, 2); d = $null; e = $true }) -Compress
    Assert-Equal '{"b":1,"a":"x","c":[1,2],"d":null,"e":true}' $json 'compressed JSON'
    Assert-Equal '[1,2]' (1, 2 | ConvertTo-Json -Compress) 'pipeline of two'
    $indented = ConvertTo-Json -InputObject @{ k = 'v' }
    Assert-Equal "{`n  `"k`": `"v`"`n}" ($indented -replace "`r", '') 'indented JSON'
}

Test-Case 'stand-in ConvertTo-Json: beyond -Depth values become strings, with one warning' {
    $out = @(ConvertTo-Json -InputObject @{ a = @{ b = @{ c = @{ d = 1 } } } } -Compress -WarningAction Continue 3>&1)
    $warnings = @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
    $text = @($out | Where-Object { $_ -is [string] })
    Assert-Equal 1 $warnings.Count 'warnings'
    Assert-Equal '{"a":{"b":{"c":"System.Collections.Hashtable"}}}' $text[0] 'truncated JSON'
    Assert-Equal '{"a":{"b":{"c":{"d":1}}}}' (ConvertTo-Json -InputObject @{ a = @{ b = @{ c = @{ d = 1 } } } } -Compress -Depth 5) 'with -Depth 5'
}

Test-Case 'stand-in ConvertTo-Json / ConvertFrom-Json round trip keeps strings byte for byte' {
    # Quotes of every kind (the typographic ones as char codes: PowerShell itself treats them as quotes).
    $s = [string]::Concat('a''b"c ', [char]0x2018, 'x', [char]0x2019, ' ', [char]0x201C, 'y', [char]0x201D, ' $(x) `n; | & Zürich 東京', "`t")
    $back = ConvertFrom-Json -InputObject (ConvertTo-Json -InputObject @{ s = $s } -Compress)
    Assert-Equal $s $back.s 'round-tripped string'
}

Test-Case 'stand-in Write-Verbose / Write-Warning follow -Verbose and the preference variables' {
    $quiet = @(Invoke-Probe -Name q -Confirm:$false 4>&1 3>&1)
    Assert-Equal 0 @($quiet | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count 'verbose records without -Verbose'
    Assert-Equal 1 @($quiet | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count 'warning records'
    $loud = @(Invoke-Probe -Name l -Confirm:$false -Verbose -WarningAction SilentlyContinue 4>&1 3>&1)
    $verbose = @($loud | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { $_.Message })
    Assert-True ($verbose -contains 'probing l') "verbose: $($verbose -join '; ')"
    Assert-Equal 0 @($loud | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count 'warnings with -WarningAction SilentlyContinue'
}

Test-Case 'stand-in Write-Progress: records reach the host, -Completed closes the activity' {
    [PsEngineHost.HostState]::Reset()
    $null = Invoke-Probe -Name p -Confirm:$false -WarningAction SilentlyContinue
    $records = @([PsEngineHost.HostState]::ProgressRecords)
    Assert-Equal 2 $records.Count 'progress records'
    Assert-Equal 50 $records[0].PercentComplete 'PercentComplete'
    Assert-Equal ([System.Management.Automation.ProgressRecordType]::Completed) $records[1].RecordType 'last RecordType'
}

Test-Case 'host: -WhatIf text is captured as "What if:" lines, and nothing runs' {
    [PsEngineHost.HostState]::Reset()
    $out = @(Invoke-Probe -Name w -WhatIf -WarningAction SilentlyContinue)
    Assert-Equal 0 $out.Count 'output under -WhatIf'
    $lines = @([PsEngineHost.HostState]::WhatIfLines)
    Assert-Equal 1 $lines.Count 'WhatIf lines'
    Assert-Equal 'What if: Performing the operation "Probe" on target "w".' $lines[0] 'WhatIf text'
}

Test-Case 'host: confirmation prompts take the queued answers (No, then Yes) and record the prompt' {
    [PsEngineHost.HostState]::Reset()
    [PsEngineHost.HostState]::AddAnswer('No')
    [PsEngineHost.HostState]::AddAnswer('Y')
    $first = @(Invoke-Probe -Name one -WarningAction SilentlyContinue)
    $second = @(Invoke-Probe -Name two -WarningAction SilentlyContinue)
    Assert-Equal 0 $first.Count 'output after No'
    Assert-Equal 'did two' ([string]$second[0]) 'output after Yes (hot key Y)'
    Assert-Equal 2 @([PsEngineHost.HostState]::Prompts).Count 'prompts'
    Assert-Equal 0 ([PsEngineHost.HostState]::PendingAnswers) 'answers left'
}

Test-Case 'host: a prompt with no queued answer fails instead of hanging' {
    [PsEngineHost.HostState]::Reset()
    $failed = $null
    try { $null = Invoke-Probe -Name none -WarningAction SilentlyContinue } catch { $failed = $_ }
    Assert-True ($null -ne $failed) 'the prompt did not fail'
    Assert-True ($failed.Exception.ToString() -match 'no scripted answer') "unexpected error: $($failed.Exception.Message)"
}

Test-Case 'stand-ins Join-Path, Split-Path -Parent/-Leaf, Test-Path -PathType' {
    $tmp = [System.IO.Path]::GetTempPath().TrimEnd([System.IO.Path]::DirectorySeparatorChar)
    $file = Join-Path -Path $tmp -ChildPath ('engine-selftest-' + [System.Guid]::NewGuid().ToString('N') + '.txt')
    Assert-Equal ([System.IO.Path]::Combine($tmp, [System.IO.Path]::GetFileName($file))) $file 'Join-Path'
    Assert-Equal $tmp (Split-Path -Path $file -Parent) 'Split-Path -Parent'
    Assert-Equal $tmp (Split-Path $file) 'Split-Path (default -Parent)'
    Assert-Equal ([System.IO.Path]::GetFileName($file)) (Split-Path -Path $file -Leaf) 'Split-Path -Leaf'
    Assert-Equal $false (Test-Path -Path $file) 'Test-Path before'
    [System.IO.File]::WriteAllText($file, 'x')
    try {
        Assert-Equal $true (Test-Path -Path $file) 'Test-Path after'
        Assert-Equal $true (Test-Path -LiteralPath $file -PathType Leaf) 'Test-Path -PathType Leaf'
        Assert-Equal $false (Test-Path -Path $file -PathType Container) 'Test-Path -PathType Container (a file)'
        Assert-Equal $true (Test-Path -Path $tmp -PathType Container) 'Test-Path -PathType Container (a folder)'
        Assert-Equal $false (Test-Path -Path '') 'Test-Path of an empty string'
    }
    finally {
        [System.IO.File]::Delete($file)
    }
}

Test-Case 'stand-ins keep to the Windows PowerShell 5.1 parameter surface' {
    $sevenOnly = @{ 'ConvertFrom-Json' = 'AsHashtable'; 'ConvertTo-Json' = 'AsArray'; 'Join-Path' = 'AdditionalChildPath'; 'Split-Path' = 'LeafBase' }
    foreach ($k in $sevenOnly.Keys) {
        Assert-True (-not (Get-Command $k).Parameters.ContainsKey($sevenOnly[$k])) "$k has -$($sevenOnly[$k]), which 5.1 lacks"
    }
}

Write-TestSummary
