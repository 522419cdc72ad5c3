"""The community notice board (两公开): public, no login — what a passer-by reads on the wall."""
from django.shortcuts import get_object_or_404, render

from ..services import board


def notices(request, code):
    community = board.community_by_code(code)
    return render(request, "deliberation/notices.html", {"community": community,
                                                          "notices": list(board.on_board(community)[:100])})


def notice_print(request, code, pk):
    community = board.community_by_code(code)
    notice = get_object_or_404(board.on_board(community), pk=pk)
    return render(request, "deliberation/notice_print.html", {"community": community, "n": notice})


