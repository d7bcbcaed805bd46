/* ui/demo_disk.S - embeds the assembled demo guest (see ui/demo.c). */
    .section .rodata
    .global emu_demo_img
    .global emu_demo_img_end
    .balign 16
emu_demo_img:
    .incbin "obj/tests/guests/demo.bin"
emu_demo_img_end:
    .section .note.GNU-stack,"",@progbits
