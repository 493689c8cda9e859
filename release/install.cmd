@echo off
rem csa-companion @VERSION@ offline installer: double-click to install or update.
rem "install.cmd --uninstall" removes the program; your data folder is never touched.
rem It runs install.ps1 beside it, allowing that one script whatever the execution policy.
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
set code=%errorlevel%
rem Double-clicked, the window would close before the message could be read.
if "%~1"=="" pause
exit /b %code%
